// The server and its tests run on Linux only (PAM, /etc/group, Unix file modes, child processes with signals).
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

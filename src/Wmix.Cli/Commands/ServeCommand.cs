using System.CommandLine;
using System.Security.Cryptography;
using Wmix.Engine;
using Wmix.Remote.Server;
using Wmix.Remote.Server.Security;

namespace Wmix.Cli.Commands;

/// <summary>
/// <c>serve</c>: runs the WS-Management server (src/Wmix.Remote.Server) over the durable local engine until SIGTERM or
/// SIGINT, which end every context and cancel every operation down to the providers before the exit (143 / 130).
/// <c>serve user add|remove|list</c> manages the users file for machines without PAM.
/// </summary>
internal static class ServeCommand
{
    public static Command Create(GlobalOptions options)
    {
        var listen = new Option<string[]>("--listen", "-l")
        {
            Description = "address:port to listen on (repeatable); default *:5986, or 127.0.0.1:5985 with --http",
            HelpName = "address:port",
            AllowMultipleArgumentsPerToken = false,
        };
        var http = new Option<bool>("--http") { Description = "Plain HTTP instead of HTTPS; allowed only on loopback addresses" };
        var cert = new Option<string?>("--cert") { Description = "TLS certificate: PEM (with --key) or PKCS#12 (.pfx; password in $WMIX_CERT_PASSWORD)", HelpName = "file" };
        var key = new Option<string?>("--key") { Description = "PEM private key of --cert", HelpName = "file" };
        var usersFile = new Option<string?>("--users-file") { Description = "Users file (salted PBKDF2 hashes) checked after PAM", HelpName = "file" };
        var noPam = new Option<bool>("--no-pam") { Description = "Do not check system users through PAM (only --users-file)" };
        var pamService = new Option<string>("--pam-service") { Description = "PAM service name", DefaultValueFactory = _ => "wmix", HelpName = "name" };
        var rules = new Option<string?>("--access-rules") { Description = "Per-namespace access rules (JSON); without it only root has access", HelpName = "file" };
        var audit = new Option<string?>("--audit-log") { Description = "Append the audit log (JSON lines) here; default standard output", HelpName = "file" };
        var repository = new Option<string?>("--repository") { Description = "Repository directory (default $WMIX_REPOSITORY, else /var/lib/wmix)", HelpName = "dir" };
        var command = new Command("serve", "Serve WMI over WS-Management (HTTPS, Basic authentication) until SIGTERM")
        {
            listen, http, cert, key, usersFile, noPam, pamService, rules, audit, repository,
            UserCommand(options),
        };
        command.SetAction((r, _) =>
        {
            var context = options.ContextFor(r);
            return CommandRunner.GuardAsync(context, () => RunAsync(context, new Settings(
                r.GetValue(listen) ?? [], r.GetValue(http), r.GetValue(cert), r.GetValue(key), r.GetValue(usersFile),
                r.GetValue(noPam), r.GetValue(pamService)!, r.GetValue(rules), r.GetValue(audit), r.GetValue(repository))));
        });
        return command;
    }

    private sealed record Settings(string[] Listen, bool Http, string? Cert, string? Key, string? UsersFile, bool NoPam,
        string PamService, string? Rules, string? Audit, string? Repository);

    private static async Task<int> RunAsync(CliContext context, Settings s)
    {
        using var signal = new TerminationSignal();
        var endPoints = new List<ListenEndPoint>();
        try
        {
            foreach (var l in s.Listen.Length > 0 ? s.Listen : [s.Http ? "127.0.0.1:5985" : "*:5986"])
            {
                endPoints.Add(ListenEndPoint.Parse(l, https: !s.Http));
            }
        }
        catch (FormatException e)
        {
            throw new UsageException(e.Message);
        }
        if (!s.Http && s.Cert is null)
        {
            throw new UsageException("HTTPS needs --cert (and --key for PEM); or --http for plain HTTP on loopback.");
        }
        var verifiers = new List<ICredentialVerifier>();
        if (!s.NoPam)
        {
            if (PamCredentialVerifier.IsAvailable)
            {
                verifiers.Add(new PamCredentialVerifier(s.PamService));
            }
            else if (s.UsersFile is null)
            {
                throw new UsageException("libpam.so.0 is not available here; give --users-file (manage it with 'wmix serve user add').");
            }
        }
        if (s.UsersFile is not null)
        {
            verifiers.Add(new UsersFile(s.UsersFile));
        }
        if (verifiers.Count == 0)
        {
            throw new UsageException("--no-pam needs --users-file: nobody could log in.");
        }
        AccessRules accessRules;
        try
        {
            accessRules = s.Rules is null ? AccessRules.DenyAll : AccessRules.Load(s.Rules);
        }
        catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
        {
            throw new UsageException(e.Message);
        }
        System.Security.Cryptography.X509Certificates.X509Certificate2? certificate = null;
        if (s.Cert is not null)
        {
            try
            {
                certificate = ServerCertificates.Load(s.Cert, s.Key, Environment.GetEnvironmentVariable("WMIX_CERT_PASSWORD"));
            }
            catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
            {
                throw new UsageException($"cannot load the certificate: {e.Message}");
            }
        }

        // The durable local engine (Wmix.Hosting): the server's repository, Linux providers, built-in classes.
        using var host = Hosting.WmixHost.Open(Hosting.WmixHostOptions.Server with { RepositoryDirectory = s.Repository });
        using var auditLog = s.Audit is null ? AuditLog.To(context.Output) : AuditLog.Open(s.Audit);
        var serverOptions = WsmanServerOptions.Default with { EndPoints = endPoints, AllowHttp = s.Http, Certificate = certificate };
        WsmanServer server;
        try
        {
            server = new WsmanServer(serverOptions, host.Connect, verifiers, accessRules, auditLog);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
        await using (server.ConfigureAwait(false))
        {
            try
            {
                await server.StartAsync(signal.Token).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                throw new UsageException($"cannot listen: {e.Message}");
            }
            foreach (var address in server.BoundAddresses)
            {
                await context.Error.WriteLineAsync($"wmix serve: listening on {address}wsman ({string.Join(", ", verifiers.Select(v => v.Name))}; {accessRules.Count} access rules)").ConfigureAwait(false);
            }
            await context.Error.FlushAsync().ConfigureAwait(false);
            var code = await signal.Signalled.ConfigureAwait(false);
            await context.Error.WriteLineAsync("wmix serve: stopping; cancelling every operation").ConfigureAwait(false);
            await server.StopAsync().ConfigureAwait(false);
            var d = server.Diagnostics;
            await context.Error.WriteLineAsync($"wmix serve: stopped ({d.Requests} requests, {d.LiveOperations} operations left)").ConfigureAwait(false);
            certificate?.Dispose();
            return code;
        }
    }

    private static Command UserCommand(GlobalOptions options)
    {
        var file = new Option<string>("--users-file") { Description = "The users file", Required = true, HelpName = "file" };
        var name = new Argument<string>("name") { Description = "User name" };
        var groups = new Option<string[]>("--group", "-g") { Description = "Extra group for access rules (repeatable)", HelpName = "group" };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password from the first line of standard input" };
        var add = new Command("add", "Add a user or set their password (prompted, or --password-stdin)") { file, name, groups, passwordStdin };
        add.SetAction(r =>
        {
            var context = options.ContextFor(r);
            return CommandRunner.Guard(context, () =>
            {
                var password = r.GetValue(passwordStdin) || Console.IsInputRedirected ? Console.In.ReadLine() : Prompt(context);
                if (string.IsNullOrEmpty(password))
                {
                    throw new UsageException("empty password.");
                }
                var g = r.GetValue(groups);
                try
                {
                    new UsersFile(r.GetValue(file)!).SetPassword(r.GetValue(name)!, password, g is { Length: > 0 } ? g : null);
                }
                catch (ArgumentException e)
                {
                    throw new UsageException(e.Message);
                }
                context.Note($"{r.GetValue(name)}: password set in {r.GetValue(file)}");
                return ExitCodes.Success;
            });
        });
        var removeName = new Argument<string>("name") { Description = "User name" };
        var remove = new Command("remove", "Remove a user") { file, removeName };
        remove.SetAction(r =>
        {
            var context = options.ContextFor(r);
            return CommandRunner.Guard(context, () =>
            {
                if (!new UsersFile(r.GetValue(file)!).Remove(r.GetValue(removeName)!))
                {
                    throw new UsageException($"no user '{r.GetValue(removeName)}' in {r.GetValue(file)}.");
                }
                return ExitCodes.Success;
            });
        });
        var list = new Command("list", "List the users and their extra groups") { file };
        list.SetAction(r =>
        {
            var context = options.ContextFor(r);
            return CommandRunner.Guard(context, () =>
            {
                try
                {
                    foreach (var (user, g) in new UsersFile(r.GetValue(file)!).List())
                    {
                        context.Output.WriteLine(g.Count == 0 ? user : $"{user}\t{string.Join(',', g)}");
                    }
                }
                catch (FormatException e)
                {
                    throw new UsageException(e.Message);
                }
                return ExitCodes.Success;
            });
        });
        return new Command("user", "Manage the users file (for machines without PAM)") { add, remove, list };
    }

    private static string Prompt(CliContext context)
    {
        string Read(string label)
        {
            context.Error.Write(label);
            context.Error.Flush();
            var chars = new List<char>();
            while (true)
            {
                var k = Console.ReadKey(intercept: true);
                if (k.Key == ConsoleKey.Enter)
                {
                    break;
                }
                if (k.Key == ConsoleKey.Backspace)
                {
                    if (chars.Count > 0)
                    {
                        chars.RemoveAt(chars.Count - 1);
                    }
                    continue;
                }
                chars.Add(k.KeyChar);
            }
            context.Error.WriteLine();
            return new string([.. chars]);
        }
        var first = Read("Password: ");
        return first == Read("Again: ") ? first : throw new UsageException("the passwords differ.");
    }
}

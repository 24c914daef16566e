namespace Wmix.Scripting;

// Microsoft's scripting constants (wbemdisp.h), with their documented names and values (spec §4).
// The names are the documented ones, so the usual enum naming rules do not apply:
#pragma warning disable CA1008 // Zero members carry Microsoft's names (wbemFlagReturnWhenComplete…), not "None".
#pragma warning disable CA1027 // Several of these are bit sets in WMI but documented without [Flags]; kept as documented.
#pragma warning disable CA1069 // WMI documents several names for one value (wbemFlagReturnWhenComplete = wbemFlagBidirectional = 0).
#pragma warning disable CA1711 // The documented type names end in "Enum".
#pragma warning disable CA1028 // Values are 32-bit as in COM.

/// <summary>Flags of the SWbemServices and SWbemObject calls (<c>WbemFlagEnum</c>).</summary>
public enum WbemFlagEnum
{
    /// <summary>Semi-synchronous: the call returns at once, objects arrive while the caller enumerates (0x10).</summary>
    wbemFlagReturnImmediately = 0x10,
    /// <summary>Synchronous: the call returns when the whole result is in memory (0).</summary>
    wbemFlagReturnWhenComplete = 0,
    /// <summary>The collection keeps its objects until it is released and can be enumerated again (0).</summary>
    wbemFlagBidirectional = 0,
    /// <summary>Single pass: no <c>Count</c>, no <c>Clone_</c> of the items; each object is released once visited (0x20).</summary>
    wbemFlagForwardOnly = 0x20,
    /// <summary>Do not return error objects (0x40); documented as "do not set", and ignored.</summary>
    wbemFlagNoErrorObject = 0x40,
    /// <summary>Failures carry an error object (0).</summary>
    wbemFlagReturnErrorObject = 0,
    /// <summary>Async calls raise <c>OnProgress</c> (0x80).</summary>
    wbemFlagSendStatus = 0x80,
    /// <summary>Async calls raise no <c>OnProgress</c> (0).</summary>
    wbemFlagDontSendStatus = 0,
    /// <summary>Fill <c>__PATH</c>, <c>__RELPATH</c> and <c>__SERVER</c> of results (0x100).</summary>
    wbemFlagEnsureLocatable = 0x100,
    /// <summary>Only the class's own provider answers, without subclass providers (0x200).</summary>
    wbemFlagDirectRead = 0x200,
    /// <summary>Send all properties (0).</summary>
    wbemFlagSendOnlySelected = 0,
    /// <summary>Return amended (localized) qualifiers (0x20000).</summary>
    wbemFlagUseAmendedQualifiers = 0x20000,
    /// <summary>Default behaviour (0).</summary>
    wbemFlagGetDefault = 0,
    /// <summary>Spawn an instance (1).</summary>
    wbemFlagSpawnInstance = 1,
    /// <summary>Use the current time (1).</summary>
    wbemFlagUseCurrentTime = 1,
}

/// <summary>Depth and prototype flags of the enumeration calls (<c>WbemQueryFlagEnum</c>).</summary>
public enum WbemQueryFlagEnum
{
    /// <summary>The whole hierarchy below the class (0).</summary>
    wbemQueryFlagDeep = 0,
    /// <summary>The immediate level only (1).</summary>
    wbemQueryFlagShallow = 1,
    /// <summary>Do not run the query; return one object shaped like its results (2).</summary>
    wbemQueryFlagPrototype = 2,
}

/// <summary>Create/update rules of <c>Put_</c>, <c>PutAsync_</c>, <c>Put</c> and <c>PutAsync</c> (<c>WbemChangeFlagEnum</c>).</summary>
public enum WbemChangeFlagEnum
{
    /// <summary>Create the object, or overwrite it when it exists (0).</summary>
    wbemChangeFlagCreateOrUpdate = 0,
    /// <summary>The object must exist, else wbemErrNotFound (1).</summary>
    wbemChangeFlagUpdateOnly = 1,
    /// <summary>The object must not exist, else wbemErrAlreadyExists (2).</summary>
    wbemChangeFlagCreateOnly = 2,
    /// <summary>Class update only when it has no subclasses or instances, or only harmless qualifiers change (0).</summary>
    wbemChangeFlagUpdateCompatible = 0,
    /// <summary>Class update allowed with subclasses when nothing conflicts (0x20).</summary>
    wbemChangeFlagUpdateSafeMode = 0x20,
    /// <summary>Class update resolving conflicts in its favour (0x40).</summary>
    wbemChangeFlagUpdateForceMode = 0x40,
    /// <summary>Fail (instead of logging) puts of invalid system instances (0x80).</summary>
    wbemChangeFlagStrongValidation = 0x80,
    /// <summary>Advisory put (0x10000).</summary>
    wbemChangeFlagAdvisory = 0x10000,
}

/// <summary>The CIM types as the scripting API names them (<c>WbemCimtypeEnum</c>).</summary>
public enum WbemCimtypeEnum
{
    /// <summary>Signed 16-bit integer (2).</summary>
    wbemCimtypeSint16 = 2,
    /// <summary>Signed 32-bit integer (3).</summary>
    wbemCimtypeSint32 = 3,
    /// <summary>32-bit real (4).</summary>
    wbemCimtypeReal32 = 4,
    /// <summary>64-bit real (5).</summary>
    wbemCimtypeReal64 = 5,
    /// <summary>String (8).</summary>
    wbemCimtypeString = 8,
    /// <summary>Boolean (11).</summary>
    wbemCimtypeBoolean = 11,
    /// <summary>Embedded object (13).</summary>
    wbemCimtypeObject = 13,
    /// <summary>Signed 8-bit integer (16).</summary>
    wbemCimtypeSint8 = 16,
    /// <summary>Unsigned 8-bit integer (17).</summary>
    wbemCimtypeUint8 = 17,
    /// <summary>Unsigned 16-bit integer (18).</summary>
    wbemCimtypeUint16 = 18,
    /// <summary>Unsigned 32-bit integer (19).</summary>
    wbemCimtypeUint32 = 19,
    /// <summary>Signed 64-bit integer, passed to scripts as a string (20).</summary>
    wbemCimtypeSint64 = 20,
    /// <summary>Unsigned 64-bit integer, passed to scripts as a string (21).</summary>
    wbemCimtypeUint64 = 21,
    /// <summary>Date and time or interval in DMTF form (101).</summary>
    wbemCimtypeDatetime = 101,
    /// <summary>Reference to an object, by path (102).</summary>
    wbemCimtypeReference = 102,
    /// <summary>16-bit character (103).</summary>
    wbemCimtypeChar16 = 103,
}

/// <summary>What <c>CompareTo_</c> ignores (<c>WbemComparisonFlagEnum</c>).</summary>
public enum WbemComparisonFlagEnum
{
    /// <summary>Compare everything (0).</summary>
    wbemComparisonFlagIncludeAll = 0,
    /// <summary>Ignore qualifiers (1).</summary>
    wbemComparisonFlagIgnoreQualifiers = 1,
    /// <summary>Ignore the server and namespace the objects came from (2).</summary>
    wbemComparisonFlagIgnoreObjectSource = 2,
    /// <summary>Ignore default values of properties (4).</summary>
    wbemComparisonFlagIgnoreDefaultValues = 4,
    /// <summary>Ignore class information; compare values only (8).</summary>
    wbemComparisonFlagIgnoreClass = 8,
    /// <summary>Compare strings case-insensitively (0x10).</summary>
    wbemComparisonFlagIgnoreCase = 16,
    /// <summary>Ignore qualifier flavors (0x20).</summary>
    wbemComparisonFlagIgnoreFlavor = 32,
}

/// <summary>Timeouts of <c>SWbemEventSource.NextEvent</c> (<c>WbemTimeout</c>).</summary>
public enum WbemTimeout
{
    /// <summary>Wait with no limit (0xFFFFFFFF, i.e. −1).</summary>
    wbemTimeoutInfinite = unchecked((int)0xFFFFFFFF),
}

/// <summary>Options of <c>SWbemLocator.ConnectServer</c>'s <c>iSecurityFlags</c> (<c>WbemConnectOptionsEnum</c>).</summary>
public enum WbemConnectOptionsEnum
{
    /// <summary>Return within two minutes even when the server does not answer (0x80).</summary>
    wbemConnectFlagUseMaxWait = 0x80,
}

/// <summary>DCOM authentication levels (<c>WbemAuthenticationLevelEnum</c>).</summary>
public enum WbemAuthenticationLevelEnum
{
    /// <summary>Negotiated default (0).</summary>
    wbemAuthenticationLevelDefault = 0,
    /// <summary>No authentication (1).</summary>
    wbemAuthenticationLevelNone = 1,
    /// <summary>Authenticate at connect only (2).</summary>
    wbemAuthenticationLevelConnect = 2,
    /// <summary>Authenticate each call (3).</summary>
    wbemAuthenticationLevelCall = 3,
    /// <summary>Authenticate each packet (4).</summary>
    wbemAuthenticationLevelPkt = 4,
    /// <summary>Authenticate and integrity-check each packet (5).</summary>
    wbemAuthenticationLevelPktIntegrity = 5,
    /// <summary>Authenticate, integrity-check and encrypt each packet (6).</summary>
    wbemAuthenticationLevelPktPrivacy = 6,
}

/// <summary>DCOM impersonation levels (<c>WbemImpersonationLevelEnum</c>).</summary>
public enum WbemImpersonationLevelEnum
{
    /// <summary>The server cannot identify the client (1).</summary>
    wbemImpersonationLevelAnonymous = 1,
    /// <summary>The server can identify but not impersonate the client (2).</summary>
    wbemImpersonationLevelIdentify = 2,
    /// <summary>The server can impersonate the client locally (3).</summary>
    wbemImpersonationLevelImpersonate = 3,
    /// <summary>The server can impersonate the client on other machines (4).</summary>
    wbemImpersonationLevelDelegate = 4,
}

/// <summary>Windows privileges a call may enable (<c>WbemPrivilegeEnum</c>); recorded, with no effect on Linux.</summary>
public enum WbemPrivilegeEnum
{
    /// <summary>SeCreateTokenPrivilege (1).</summary>
    wbemPrivilegeCreateToken = 1,
    /// <summary>SeAssignPrimaryTokenPrivilege (2).</summary>
    wbemPrivilegePrimaryToken = 2,
    /// <summary>SeLockMemoryPrivilege (3).</summary>
    wbemPrivilegeLockMemory = 3,
    /// <summary>SeIncreaseQuotaPrivilege (4).</summary>
    wbemPrivilegeIncreaseQuota = 4,
    /// <summary>SeMachineAccountPrivilege (5).</summary>
    wbemPrivilegeMachineAccount = 5,
    /// <summary>SeTcbPrivilege (6).</summary>
    wbemPrivilegeTcb = 6,
    /// <summary>SeSecurityPrivilege (7).</summary>
    wbemPrivilegeSecurity = 7,
    /// <summary>SeTakeOwnershipPrivilege (8).</summary>
    wbemPrivilegeTakeOwnership = 8,
    /// <summary>SeLoadDriverPrivilege (9).</summary>
    wbemPrivilegeLoadDriver = 9,
    /// <summary>SeSystemProfilePrivilege (10).</summary>
    wbemPrivilegeSystemProfile = 10,
    /// <summary>SeSystemtimePrivilege (11).</summary>
    wbemPrivilegeSystemtime = 11,
    /// <summary>SeProfileSingleProcessPrivilege (12).</summary>
    wbemPrivilegeProfileSingleProcess = 12,
    /// <summary>SeIncreaseBasePriorityPrivilege (13).</summary>
    wbemPrivilegeIncreaseBasePriority = 13,
    /// <summary>SeCreatePagefilePrivilege (14).</summary>
    wbemPrivilegeCreatePagefile = 14,
    /// <summary>SeCreatePermanentPrivilege (15).</summary>
    wbemPrivilegeCreatePermanent = 15,
    /// <summary>SeBackupPrivilege (16).</summary>
    wbemPrivilegeBackup = 16,
    /// <summary>SeRestorePrivilege (17).</summary>
    wbemPrivilegeRestore = 17,
    /// <summary>SeShutdownPrivilege (18).</summary>
    wbemPrivilegeShutdown = 18,
    /// <summary>SeDebugPrivilege (19).</summary>
    wbemPrivilegeDebug = 19,
    /// <summary>SeAuditPrivilege (20).</summary>
    wbemPrivilegeAudit = 20,
    /// <summary>SeSystemEnvironmentPrivilege (21).</summary>
    wbemPrivilegeSystemEnvironment = 21,
    /// <summary>SeChangeNotifyPrivilege (22).</summary>
    wbemPrivilegeChangeNotify = 22,
    /// <summary>SeRemoteShutdownPrivilege (23).</summary>
    wbemPrivilegeRemoteShutdown = 23,
    /// <summary>SeUndockPrivilege (24).</summary>
    wbemPrivilegeUndock = 24,
    /// <summary>SeSyncAgentPrivilege (25).</summary>
    wbemPrivilegeSyncAgent = 25,
    /// <summary>SeEnableDelegationPrivilege (26).</summary>
    wbemPrivilegeEnableDelegation = 26,
    /// <summary>SeManageVolumePrivilege (27).</summary>
    wbemPrivilegeManageVolume = 27,
}

/// <summary>Options of <c>GetObjectText_</c> (<c>WbemTextFlagEnum</c>).</summary>
public enum WbemTextFlagEnum
{
    /// <summary>Leave qualifier flavors out of the MOF text (1).</summary>
    wbemTextFlagNoFlavors = 1,
}

/// <summary>Text formats of <c>SWbemObjectEx.GetText_</c> and <c>SetFromText_</c> (<c>WbemObjectTextFormatEnum</c>).</summary>
public enum WbemObjectTextFormatEnum
{
    /// <summary>XML per the DMTF CIM DTD 2.0 (1).</summary>
    wbemObjectTextFormatCIMDTD20 = 1,
    /// <summary>XML per the CIM DTD 2.0 with WMI's extensions (2).</summary>
    wbemObjectTextFormatWMIDTD20 = 2,
}

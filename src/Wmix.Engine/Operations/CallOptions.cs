namespace Wmix.Engine;

/// <summary>How a put treats an existing object (WMI's <c>wbemChangeFlag</c> create/update modes).</summary>
public enum PutMode
{
    /// <summary>Create, or overwrite what exists (wbemChangeFlagCreateOrUpdate 0).</summary>
    CreateOrUpdate = 0,
    /// <summary>The object must exist, else wbemErrNotFound (wbemChangeFlagUpdateOnly 1).</summary>
    UpdateOnly = 1,
    /// <summary>The object must not exist, else wbemErrAlreadyExists (wbemChangeFlagCreateOnly 2).</summary>
    CreateOnly = 2,
}

/// <summary>How a class update treats subclasses and instances (wbemChangeFlagUpdate* modes).</summary>
public enum ClassUpdateMode
{
    /// <summary>Only when the class has no subclasses and no instances, or only harmless qualifiers change (0).</summary>
    Compatible = 0,
    /// <summary>Allowed with subclasses when nothing conflicts (0x20).</summary>
    SafeMode = 0x20,
    /// <summary>Conflicts resolved in favour of the update (0x40).</summary>
    ForceMode = 0x40,
}

/// <summary>Options common to every call. Immutable; start from <see cref="Default"/>.</summary>
public sealed record CallOptions
{
    /// <summary>No options: deep, no status, create-or-update.</summary>
    public static CallOptions Default { get; } = new();

    /// <summary>Report progress (wbemFlagSendStatus 0x80).</summary>
    public bool SendStatus { get; init; }

    /// <summary>Immediate level only (wbemQueryFlagShallow 1) for InstancesOf and SubclassesOf.</summary>
    public bool Shallow { get; init; }

    /// <summary>Return one result-shaped prototype instead of running the query (wbemQueryFlagPrototype 2).</summary>
    public bool Prototype { get; init; }

    /// <summary>Return amended (localized) qualifiers (wbemFlagUseAmendedQualifiers 0x20000).</summary>
    public bool UseAmendedQualifiers { get; init; }

    /// <summary>Fill __PATH, __RELPATH and __SERVER even for query results (wbemFlagEnsureLocatable 0x100).</summary>
    public bool EnsureLocatable { get; init; }

    /// <summary>Create/update rule for puts.</summary>
    public PutMode PutMode { get; init; }

    /// <summary>Rule for class updates.</summary>
    public ClassUpdateMode ClassUpdateMode { get; init; }

    /// <summary>The provider context (WMI's <c>objWbemNamedValueSet</c>), forwarded to providers untouched.</summary>
    public IReadOnlyDictionary<string, object?>? Context { get; init; }
}

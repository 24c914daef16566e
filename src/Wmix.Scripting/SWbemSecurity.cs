using System.Collections;
using Wmix.Scripting.Internal;

namespace Wmix.Scripting;

/// <summary>
/// The security settings of a locator, connection, object, path or collection (WMI's <c>SWbemSecurity</c>).
/// </summary>
/// <remarks>
/// Wmix keeps the settings so scripts can read and write them; locally they have no effect (there is no
/// DCOM). The remote transport reads them when it connects.
/// </remarks>
public sealed class SWbemSecurity
{
    private WbemImpersonationLevelEnum _impersonationLevel = WbemImpersonationLevelEnum.wbemImpersonationLevelImpersonate;
    private WbemAuthenticationLevelEnum _authenticationLevel = WbemAuthenticationLevelEnum.wbemAuthenticationLevelPktPrivacy;

    internal SWbemSecurity()
    {
    }

    /// <summary>The impersonation level (default <c>wbemImpersonationLevelImpersonate</c>).</summary>
    /// <exception cref="WbemException">wbemErrInvalidParameter for a value outside the enumeration.</exception>
    public WbemImpersonationLevelEnum ImpersonationLevel
    {
        get => _impersonationLevel;
        set => _impersonationLevel = Enum.IsDefined(value) ? value
            : throw ScriptErrors.Error(WbemErrorEnum.wbemErrInvalidParameter, $"{(int)value} is not an impersonation level.");
    }

    /// <summary>The authentication level (default <c>wbemAuthenticationLevelPktPrivacy</c>).</summary>
    /// <exception cref="WbemException">wbemErrInvalidParameter for a value outside the enumeration.</exception>
    public WbemAuthenticationLevelEnum AuthenticationLevel
    {
        get => _authenticationLevel;
        set => _authenticationLevel = Enum.IsDefined(value) ? value
            : throw ScriptErrors.Error(WbemErrorEnum.wbemErrInvalidParameter, $"{(int)value} is not an authentication level.");
    }

    /// <summary>The privileges to enable for calls.</summary>
    public SWbemPrivilegeSet Privileges { get; } = new();

    internal SWbemSecurity Copy()
    {
        var copy = new SWbemSecurity { _impersonationLevel = _impersonationLevel, _authenticationLevel = _authenticationLevel };
        foreach (var p in Privileges)
        {
            copy.Privileges.Add(p.Identifier, p.IsEnabled);
        }
        return copy;
    }
}

/// <summary>The privileges of an <see cref="SWbemSecurity"/> (WMI's <c>SWbemPrivilegeSet</c>).</summary>
public sealed class SWbemPrivilegeSet : IEnumerable<SWbemPrivilege>
{
    private readonly List<SWbemPrivilege> _items = [];

    internal SWbemPrivilegeSet()
    {
    }

    /// <summary>The number of privileges in the set.</summary>
    public int Count => _items.Count;

    /// <summary>The privilege <paramref name="iPrivilege"/> (the default member); see <see cref="Item"/>.</summary>
    [System.Runtime.CompilerServices.IndexerName("ItemOf")] // "Item" is the documented method; the indexer is its C# shorthand.
    public SWbemPrivilege this[WbemPrivilegeEnum iPrivilege] => Item(iPrivilege);

    /// <summary>The privilege <paramref name="iPrivilege"/>.</summary>
    /// <exception cref="WbemException">wbemErrNotFound when it is not in the set.</exception>
    public SWbemPrivilege Item(WbemPrivilegeEnum iPrivilege) =>
        Find(iPrivilege) ?? throw ScriptErrors.Error(WbemErrorEnum.wbemErrNotFound, $"{iPrivilege} is not in the privilege set.");

    /// <summary>Adds a privilege, or updates its enabled state when present.</summary>
    /// <exception cref="WbemException">wbemErrInvalidParameter for an unknown privilege.</exception>
    public SWbemPrivilege Add(WbemPrivilegeEnum iPrivilege, bool bIsEnabled = true)
    {
        if (!Enum.IsDefined(iPrivilege))
        {
            throw ScriptErrors.Error(WbemErrorEnum.wbemErrInvalidParameter, $"{(int)iPrivilege} is not a privilege.");
        }
        if (Find(iPrivilege) is { } existing)
        {
            existing.IsEnabled = bIsEnabled;
            return existing;
        }
        var p = new SWbemPrivilege(iPrivilege, bIsEnabled);
        _items.Add(p);
        return p;
    }

    /// <summary>Adds a privilege by its Windows name (e.g. <c>SeDebugPrivilege</c>, case-insensitive).</summary>
    /// <exception cref="WbemException">wbemErrInvalidParameter for an unknown name.</exception>
    public SWbemPrivilege AddAsString(string strPrivilege, bool bIsEnabled = true)
    {
        foreach (var value in Enum.GetValues<WbemPrivilegeEnum>())
        {
            if (string.Equals(SWbemPrivilege.NameOf(value), strPrivilege, StringComparison.OrdinalIgnoreCase))
            {
                return Add(value, bIsEnabled);
            }
        }
        throw ScriptErrors.Error(WbemErrorEnum.wbemErrInvalidParameter, $"'{strPrivilege}' is not a privilege name.");
    }

    /// <summary>Removes a privilege.</summary>
    /// <exception cref="WbemException">wbemErrNotFound when it is not in the set.</exception>
    public void Remove(WbemPrivilegeEnum iPrivilege)
    {
        if (Find(iPrivilege) is not { } p)
        {
            throw ScriptErrors.Error(WbemErrorEnum.wbemErrNotFound, $"{iPrivilege} is not in the privilege set.");
        }
        _items.Remove(p);
    }

    /// <summary>Removes every privilege.</summary>
    public void DeleteAll() => _items.Clear();

    /// <inheritdoc />
    public IEnumerator<SWbemPrivilege> GetEnumerator() => ((IEnumerable<SWbemPrivilege>)_items.ToArray()).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private SWbemPrivilege? Find(WbemPrivilegeEnum id) => _items.Find(p => p.Identifier == id);
}

/// <summary>One privilege of an <see cref="SWbemPrivilegeSet"/> (WMI's <c>SWbemPrivilege</c>).</summary>
public sealed class SWbemPrivilege
{
    internal SWbemPrivilege(WbemPrivilegeEnum identifier, bool isEnabled)
    {
        Identifier = identifier;
        IsEnabled = isEnabled;
    }

    /// <summary>Whether the privilege is to be enabled (the default member).</summary>
    public bool IsEnabled { get; set; }

    /// <summary>The Windows name, e.g. <c>SeDebugPrivilege</c>.</summary>
    public string Name => NameOf(Identifier);

    /// <summary>A display name.</summary>
    public string DisplayName => Identifier.ToString()["wbemPrivilege".Length..];

    /// <summary>The privilege.</summary>
    public WbemPrivilegeEnum Identifier { get; }

    internal static string NameOf(WbemPrivilegeEnum p) => p switch
    {
        WbemPrivilegeEnum.wbemPrivilegePrimaryToken => "SeAssignPrimaryTokenPrivilege",
        WbemPrivilegeEnum.wbemPrivilegeSystemtime => "SeSystemtimePrivilege",
        _ => "Se" + p.ToString()["wbemPrivilege".Length..] + "Privilege",
    };
}

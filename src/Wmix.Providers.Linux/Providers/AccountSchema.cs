using Wmix.Cim;
using Wmix.Providers.Linux.Providers.Internal;

namespace Wmix.Providers.Linux.Providers;

/// <summary>The account classes: Win32_Account, Win32_UserAccount, Win32_Group, Win32_GroupUser and Win32_Environment.</summary>
public static class AccountSchema
{
    /// <summary>Win32_Account (abstract parent of users and groups; keys Domain and Name).</summary>
    public static CimClass Account { get; } = new ClassBuilder("Win32_Account", CimSchema.LogicalElement).Abstract()
        .Key("Domain").Bool("LocalAccount").Key("Name").S("SID").P("SIDType", CimType.UInt8).Build();

    /// <summary>Win32_UserAccount.</summary>
    public static CimClass UserAccount { get; } = new ClassBuilder("Win32_UserAccount", Account)
        .U32("AccountType").Bool("Disabled").S("FullName").Bool("Lockout", "PasswordChangeable", "PasswordExpires", "PasswordRequired").Build();

    /// <summary>Win32_Group.</summary>
    public static CimClass Group { get; } = new ClassBuilder("Win32_Group", Account).Build();

    /// <summary>Win32_GroupUser (association: a group and a member account).</summary>
    public static CimClass GroupUser { get; } = new ClassBuilder("Win32_GroupUser", CimSchema.Component).Association()
        .Ref("GroupComponent", "Win32_Group").Ref("PartComponent", "Win32_Account").Build();

    /// <summary>CIM_SystemSetting (abstract parent of Win32_Environment).</summary>
    public static CimClass SystemSetting { get; } = new ClassBuilder("CIM_SystemSetting", CimSchema.Setting).Abstract()
        .CimKey("CreationClassName").CimKey("SystemCreationClassName").CimKey("SystemName").Build();

    /// <summary>Win32_Environment (keys Name and UserName).</summary>
    public static CimClass Environment { get; } = new ClassBuilder("Win32_Environment", SystemSetting)
        .DateTime("InstallDate").Key("Name").S("Status").Bool("SystemVariable").Key("UserName").S("VariableValue").Build();
}

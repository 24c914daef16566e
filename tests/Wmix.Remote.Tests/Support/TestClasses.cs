using Wmix.Cim;
using Wmix.Remote.Protocol;

namespace Wmix.Remote.Tests.Support;

/// <summary>Small class definitions shaped like the spec's examples.</summary>
internal static class TestClasses
{
    public static CimClass Process { get; } = BuildProcess();

    public static CimClass CreationEvent { get; } = BuildCreationEvent();

    private static CimClass BuildProcess()
    {
        var cls = new CimClass("Win32_Process");
        cls.AddProperty("Handle", CimType.String, isKey: true);
        cls.AddProperty("Name", CimType.String);
        cls.AddProperty("ProcessId", CimType.UInt32);
        cls.AddProperty("CommandLine", CimType.String);
        cls.AddProperty("CreationDate", CimType.DateTime);
        cls.AddProperty("IPAddress", CimType.String, isArray: true);
        var inQ = new CimQualifierSet();
        inQ.Set(new CimQualifier("In", true, CimFlavor.None));
        var outQ = new CimQualifierSet();
        outQ.Set(new CimQualifier("Out", true, CimFlavor.None));
        var staticQ = new CimQualifierSet();
        staticQ.Set(new CimQualifier("Static", true, CimFlavor.None));
        cls.AddMethod(new CimMethod("Create", CimType.UInt32,
        [
            new CimParameter("CommandLine", CimType.String, qualifiers: inQ.Clone()),
            new CimParameter("CurrentDirectory", CimType.String, qualifiers: inQ.Clone()),
            new CimParameter("ProcessId", CimType.UInt32, qualifiers: outQ.Clone()),
        ], staticQ));
        return (CimClass)cls.Freeze();
    }

    private static CimClass BuildCreationEvent()
    {
        var cls = new CimClass("__InstanceCreationEvent");
        cls.AddProperty("SECURITY_DESCRIPTOR", CimType.UInt8, isArray: true);
        cls.AddProperty(new CimProperty("TargetInstance", CimType.Object, referenceClassName: null));
        cls.AddProperty("TIME_CREATED", CimType.UInt64);
        return (CimClass)cls.Freeze();
    }
}

/// <summary>A resolver over a fixed set of classes.</summary>
internal sealed class DictionaryResolver(params CimClass[] classes) : ICimClassResolver
{
    public List<string> Asked { get; } = [];

    public CimClass? ResolveClass(string? @namespace, string className)
    {
        Asked.Add(className);
        return classes.FirstOrDefault(c => string.Equals(c.Name, className, StringComparison.OrdinalIgnoreCase));
    }
}

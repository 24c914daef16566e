using Wmix.Cim;

namespace Wmix.Engine.Tests.Support;

/// <summary>Class definitions the tests share.</summary>
internal static class TestSchema
{
    public static CimClass Base()
    {
        var c = new CimClass("Test_Base");
        c.AddProperty("Id", CimType.UInt32, isKey: true);
        c.AddProperty("Name", CimType.String);
        c.AddProperty("Size", CimType.UInt32);
        return c;
    }

    public static CimClass Keyed(string name, CimType keyType)
    {
        var c = new CimClass(name);
        c.AddProperty("K", keyType, isKey: true);
        c.AddProperty("Value", CimType.String);
        return c;
    }

    public static CimInstance New(CimClass cls, params (string Name, object? Value)[] values)
    {
        var instance = cls.SpawnInstance();
        foreach (var (name, value) in values)
        {
            instance[name] = value;
        }
        return instance;
    }
}

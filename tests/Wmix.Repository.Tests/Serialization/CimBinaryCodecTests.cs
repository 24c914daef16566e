using Wmix.Cim;
using Wmix.Repository.Sqlite.Serialization;

namespace Wmix.Repository.Tests.Serialization;

public sealed class CimBinaryCodecTests
{
    private static CimClass Person(bool withAge = true, CimType ageType = CimType.UInt32)
    {
        var cls = new CimClass("Person");
        cls.AddProperty("Name", CimType.String, isKey: true);
        if (withAge)
        {
            cls.AddProperty("Age", ageType);
        }
        cls.AddProperty("Nick", CimType.String, value: "none");
        return (CimClass)cls.Freeze();
    }

    [Fact]
    public void DecodeInstance_ClassLostAProperty_DropsItsValue()
    {
        var instance = Person().SpawnInstance();
        instance["Name"] = "Ann";
        instance["Age"] = 41u;
        var blob = CimBinaryCodec.EncodeInstance((CimInstance)instance.Freeze());
        var back = CimBinaryCodec.DecodeInstance(blob, Person(withAge: false));
        Assert.Equal("Ann", back["Name"]);
        Assert.False(back.HasProperty("Age"));
    }

    [Fact]
    public void DecodeInstance_PropertyChangedType_ConvertsOrKeepsDefault()
    {
        var instance = Person().SpawnInstance();
        instance["Name"] = "Ann";
        instance["Age"] = 41u;
        var blob = CimBinaryCodec.EncodeInstance((CimInstance)instance.Freeze());
        Assert.Equal("41", CimBinaryCodec.DecodeInstance(blob, Person(ageType: CimType.String))["Age"]);
        Assert.Equal((byte)41, CimBinaryCodec.DecodeInstance(blob, Person(ageType: CimType.UInt8))["Age"]);
        Assert.Null(CimBinaryCodec.DecodeInstance(blob, Person(ageType: CimType.Object))["Age"]);
    }

    [Fact]
    public void DecodeInstance_ClassGainedAProperty_TakesTheDefault()
    {
        var old = new CimClass("Person");
        old.AddProperty("Name", CimType.String, isKey: true);
        var instance = ((CimClass)old.Freeze()).SpawnInstance();
        instance["Name"] = "Bo";
        var back = CimBinaryCodec.DecodeInstance(CimBinaryCodec.EncodeInstance((CimInstance)instance.Freeze()), Person());
        Assert.Equal("none", back["Nick"]);
        Assert.Null(back["Age"]);
    }

    [Fact]
    public void DecodeClass_ParentChangedSinceStored_ReDerivesFromTheNewParent()
    {
        var parent = new CimClass("Base");
        parent.AddProperty("Id", CimType.String, isKey: true);
        parent.Freeze();
        var child = new CimClass("Derived", parent);
        child.AddProperty("Extra", CimType.UInt16, value: (ushort)3);
        child.Freeze();
        var blob = CimBinaryCodec.EncodeClass(child);

        var newParent = new CimClass("Base");
        newParent.AddProperty("Id", CimType.String, isKey: true);
        newParent.AddProperty("Added", CimType.Boolean);
        newParent.Freeze();
        var back = CimBinaryCodec.DecodeClass(blob, _ => newParent);
        Assert.Equal(["Id", "Added", "Extra"], back.Properties.Select(p => p.Name));
        Assert.Equal("Base", back.Properties[1].ClassOrigin);
    }

    [Fact]
    public void Encode_TypicalInstance_IsCompact()
    {
        var instance = Person().SpawnInstance();
        instance["Name"] = "Ann";
        instance["Age"] = 41u;
        // Header 8, class name 7, location 2, qualifier mode 1, count 4, "Name" 5 + value 5, "Age" 4 + value 5.
        Assert.True(CimBinaryCodec.EncodeInstance((CimInstance)instance.Freeze()).Length <= 48);
    }

    [Fact]
    public void Decode_NewerFormatVersion_IsDatabaseVerMismatch()
    {
        var blob = CimBinaryCodec.EncodeClass(Person());
        blob[2] = CimBinaryCodec.FormatVersion + 1;
        var ex = Assert.Throws<WbemException>(() => CimBinaryCodec.DecodeClass(blob, _ => null));
        Assert.Equal(WbemErrorEnum.wbemErrDatabaseVerMismatch, ex.ErrorCode);
    }

    [Fact]
    public void Decode_MissingSuperclassOrClass_NamesIt()
    {
        var child = new CimClass("Derived", Person());
        var ex = Assert.Throws<WbemException>(() => CimBinaryCodec.DecodeClass(CimBinaryCodec.EncodeClass((CimClass)child.Freeze()), _ => null));
        Assert.Equal(WbemErrorEnum.wbemErrInvalidSuperclass, ex.ErrorCode);
        Assert.Contains("Person", ex.Message, StringComparison.Ordinal);
        var instance = Person().SpawnInstance();
        instance["Name"] = "x";
        var blob = CimBinaryCodec.EncodeInstance((CimInstance)instance.Freeze());
        Assert.Equal(WbemErrorEnum.wbemErrInvalidClass, Assert.Throws<WbemException>(() => CimBinaryCodec.DecodeInstance(blob, _ => null)).ErrorCode);
        var other = new CimClass("Other");
        Assert.Equal(WbemErrorEnum.wbemErrInvalidObject, Assert.Throws<WbemException>(() => CimBinaryCodec.DecodeInstance(blob, (CimClass)other.Freeze())).ErrorCode);
    }

    [Fact]
    public void Decode_DeeplyNestedEmbeddedObjects_RoundTripWithinTheLimit()
    {
        var cls = new CimClass("Node");
        cls.AddProperty("Child", CimType.Object);
        cls.Freeze();
        CimObject current = (CimInstance)cls.SpawnInstance().Freeze();
        for (var i = 0; i < 30; i++)
        {
            var parent = cls.SpawnInstance();
            parent["Child"] = current;
            current = parent.Freeze();
        }
        var back = CimBinaryCodec.DecodeInstance(CimBinaryCodec.EncodeInstance((CimInstance)current), _ => cls);
        Assert.True(current.CompareTo(back));
    }
}

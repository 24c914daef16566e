using System.Numerics;
using System.Runtime.InteropServices;
using Wmix.Cim;

namespace Wmix.Repository.Sqlite.Serialization;

/// <summary>The kind of object a repository blob holds.</summary>
public enum CimBlobKind
{
    /// <summary>A class definition.</summary>
    Class = 'C',
    /// <summary>An instance.</summary>
    Instance = 'I',
}

/// <summary>What the header of a blob says, read without decoding the object.</summary>
/// <param name="Kind">Class or instance.</param>
/// <param name="FormatVersion">The format version the blob was written with.</param>
/// <param name="ClassName">The class's name (for an instance: its class).</param>
/// <param name="SuperclassName">For a class, its superclass's name, or null.</param>
public readonly record struct CimBlobInfo(CimBlobKind Kind, byte FormatVersion, string ClassName, string? SuperclassName);

/// <summary>
/// The repository's binary form of classes and instances: compact, versioned, self-describing and checksummed.
/// </summary>
/// <remarks>
/// <para><b>Layout</b> (little-endian). Header: <c>'W'</c>, kind (<c>'C'</c>/<c>'I'</c>), format version,
/// flags (0), CRC-32C of everything after the header. Strings: a LEB128 header (0 = null, else
/// 1 + (byte length &lt;&lt; 1 | utf16)) then UTF-8, or raw UTF-16LE for text with lone surrogates. Values: a tag
/// byte (0 = null, else the <see cref="CimType"/> code, | 0x80 for arrays) then the payload: numbers fixed-width,
/// arrays a LEB128 count and the elements, embedded objects a genus byte and their class inline.</para>
/// <para><b>Classes</b> store their superclass by name and only what they add to it: their qualifiers, the properties
/// and methods they declare or override, and inherited ones whose default or qualifiers they changed. Decoding
/// re-derives the class from the superclass the caller resolves, so a class read back on the same parent is
/// identical (<see cref="CimObject.CompareTo"/> with <see cref="CimComparisonFlags.IncludeAll"/>, with the same
/// origins and order), and one read on an updated parent picks up the parent's changes.</para>
/// <para><b>Instances</b> store their class name and the values that differ from the class defaults, by property
/// name, so they survive class evolution: values of removed properties are dropped, added properties take their
/// default, and a value whose property changed type is converted when it can be (else dropped).</para>
/// <para><b>Embedded objects</b> are self-contained: their class (and its superclass chain) is written inline once
/// per blob and referred to by index after that, so an embedded object reads back exactly even when its class is
/// not in the repository.</para>
/// <para><b>Errors</b>: any damaged, truncated or unreadable blob raises <see cref="WbemException"/> with
/// <see cref="WbemErrorEnum.wbemErrInvalidObject"/> (the object, not the whole store, is bad; the repository
/// reports it and <c>wmix repository check</c> lists it); a blob from a newer format raises
/// <see cref="WbemErrorEnum.wbemErrDatabaseVerMismatch"/>. Decoded objects are frozen.</para>
/// </remarks>
public static class CimBinaryCodec
{
    /// <summary>The format version this code writes; it reads every version up to this one.</summary>
    public const byte FormatVersion = 1;

    private const byte Magic = (byte)'W';
    private const int HeaderSize = 8;
    private const int MaxDepth = 64;

    private static readonly System.Text.UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private const byte KindInheritedModified = 1;
    private const byte KindOverride = 2;
    private const byte KindNew = 3;

    /// <summary>Encodes a class: its superclass by name, and its own elements.</summary>
    public static byte[] EncodeClass(CimClass cls)
    {
        ArgumentNullException.ThrowIfNull(cls);
        var state = new EncodeState(BlobWriter.Rent());
        try
        {
            WriteHeader(state.Writer, CimBlobKind.Class);
            state.Writer.WriteString(cls.Superclass?.Name);
            WriteClassBody(state, cls, 0);
            return Finish(state.Writer);
        }
        finally
        {
            BlobWriter.Return(state.Writer);
        }
    }

    /// <summary>Encodes an instance: its class name and its values that differ from the class defaults.</summary>
    public static byte[] EncodeInstance(CimInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var state = new EncodeState(BlobWriter.Rent());
        try
        {
            WriteHeader(state.Writer, CimBlobKind.Instance);
            state.Writer.WriteString(instance.ClassName);
            WriteLocation(state.Writer, instance);
            WriteInstanceBody(state, instance, 0);
            return Finish(state.Writer);
        }
        finally
        {
            BlobWriter.Return(state.Writer);
        }
    }

    /// <summary>Reads the header and the names at the start of a blob, checking its checksum.</summary>
    /// <exception cref="WbemException">wbemErrInvalidObject for a damaged blob; wbemErrDatabaseVerMismatch for a newer format.</exception>
    public static CimBlobInfo ReadInfo(ReadOnlySpan<byte> blob)
    {
        var reader = OpenBody(blob, out var kind, out var version);
        if (kind == CimBlobKind.Instance)
        {
            return new CimBlobInfo(kind, version, reader.ReadRequiredString("class name"), null);
        }
        // A class blob starts with its superclass's name (or null), then its body, which starts with its name.
        var superName = reader.ReadString();
        return new CimBlobInfo(kind, version, reader.ReadRequiredString("class name"), superName);
    }

    /// <summary>
    /// Decodes a class, asking <paramref name="resolveSuperclass"/> for its superclass by name; the result is frozen.
    /// </summary>
    /// <exception cref="WbemException">wbemErrInvalidObject for a damaged blob or one that is not a class;
    /// wbemErrInvalidSuperclass when the superclass cannot be resolved; wbemErrDatabaseVerMismatch for a newer format.</exception>
    public static CimClass DecodeClass(ReadOnlySpan<byte> blob, Func<string, CimClass?> resolveSuperclass)
    {
        ArgumentNullException.ThrowIfNull(resolveSuperclass);
        var reader = OpenBody(blob, out var kind, out _);
        if (kind != CimBlobKind.Class)
        {
            throw BlobReader.Corrupt("the blob holds an instance, not a class");
        }
        var state = new DecodeState();
        return Guard(ref reader, state, resolveSuperclass, static (ref BlobReader r, DecodeState s, Func<string, CimClass?> resolve) =>
        {
            var superName = r.ReadString();
            CimClass? superclass = null;
            if (superName is not null)
            {
                superclass = resolve(superName) ?? throw new WbemException(WbemErrorEnum.wbemErrInvalidSuperclass,
                    $"The superclass '{superName}' of a stored class does not exist; run 'wmix repository check'.");
            }
            var cls = ReadClassBody(ref r, s, superclass, 0);
            EnsureEnd(ref r);
            return cls;
        });
    }

    /// <summary>
    /// Decodes an instance, asking <paramref name="resolveClass"/> for its class by name (a frozen class); the result is frozen.
    /// </summary>
    /// <exception cref="WbemException">wbemErrInvalidObject for a damaged blob or one that is not an instance;
    /// wbemErrInvalidClass when the class cannot be resolved; wbemErrDatabaseVerMismatch for a newer format.</exception>
    public static CimInstance DecodeInstance(ReadOnlySpan<byte> blob, Func<string, CimClass?> resolveClass)
    {
        ArgumentNullException.ThrowIfNull(resolveClass);
        var reader = OpenBody(blob, out var kind, out _);
        if (kind != CimBlobKind.Instance)
        {
            throw BlobReader.Corrupt("the blob holds a class, not an instance");
        }
        return Guard(ref reader, new DecodeState(), resolveClass, static (ref BlobReader r, DecodeState s, Func<string, CimClass?> resolve) =>
        {
            var className = r.ReadRequiredString("class name");
            var cls = resolve(className) ?? throw new WbemException(WbemErrorEnum.wbemErrInvalidClass,
                $"The class '{className}' of a stored instance does not exist; run 'wmix repository check'.");
            return FinishInstance(ref r, s, cls);
        });
    }

    /// <summary>Decodes an instance of <paramref name="cls"/> (a frozen class whose name the blob must carry); the result is frozen.</summary>
    /// <exception cref="WbemException">wbemErrInvalidObject for a damaged blob, one that is not an instance, or one of
    /// another class; wbemErrDatabaseVerMismatch for a newer format.</exception>
    public static CimInstance DecodeInstance(ReadOnlySpan<byte> blob, CimClass cls)
    {
        ArgumentNullException.ThrowIfNull(cls);
        var reader = OpenBody(blob, out var kind, out _);
        if (kind != CimBlobKind.Instance)
        {
            throw BlobReader.Corrupt("the blob holds a class, not an instance");
        }
        return Guard(ref reader, new DecodeState(), cls, static (ref BlobReader r, DecodeState s, CimClass c) =>
        {
            var bytes = r.ReadStringBytes(out var isNull, out var utf16);
            if (isNull || !NameEquals(bytes, utf16, c.Name))
            {
                throw BlobReader.Corrupt($"the blob is not an instance of '{c.Name}'");
            }
            return FinishInstance(ref r, s, c);
        });
    }

    private static CimInstance FinishInstance(ref BlobReader r, DecodeState s, CimClass cls)
    {
        var server = r.ReadString();
        var ns = r.ReadString();
        var instance = ReadInstanceBody(ref r, s, cls, 0);
        EnsureEnd(ref r);
        instance.WithLocation(server, ns);
        return (CimInstance)instance.Freeze();
    }

    private delegate T Body<T, TArg>(ref BlobReader reader, DecodeState state, TArg arg);

    /// <summary>Turns whatever the model throws for inconsistent content into the codec's one error.</summary>
    private static T Guard<T, TArg>(ref BlobReader reader, DecodeState state, TArg arg, Body<T, TArg> body)
    {
        try
        {
            return body(ref reader, state, arg);
        }
        catch (WbemException ex) when (ex.ErrorCode is not (WbemErrorEnum.wbemErrInvalidObject or WbemErrorEnum.wbemErrInvalidSuperclass
            or WbemErrorEnum.wbemErrInvalidClass or WbemErrorEnum.wbemErrDatabaseVerMismatch))
        {
            throw BlobReader.Corrupt("its content is inconsistent (" + ex.Message + ")", ex);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidCastException or OverflowException or FormatException
            or IndexOutOfRangeException or InvalidOperationException or KeyNotFoundException)
        {
            throw BlobReader.Corrupt("its content is inconsistent (" + ex.Message + ")", ex);
        }
    }

    private static void EnsureEnd(ref BlobReader r)
    {
        if (!r.AtEnd)
        {
            throw BlobReader.Corrupt("there are bytes after the object");
        }
    }

    // ---- header and checksum ----

    private static void WriteHeader(BlobWriter w, CimBlobKind kind)
    {
        w.WriteByte(Magic);
        w.WriteByte((byte)kind);
        w.WriteByte(FormatVersion);
        w.WriteByte(0);
        w.WriteUInt32(0); // checksum, filled by Finish
    }

    private static byte[] Finish(BlobWriter w)
    {
        var all = w.WrittenSpan;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(all[4..], Checksum(all[HeaderSize..]));
        return w.ToArray();
    }

    private static BlobReader OpenBody(ReadOnlySpan<byte> blob, out CimBlobKind kind, out byte version)
    {
        if (blob.Length < HeaderSize || blob[0] != Magic)
        {
            throw BlobReader.Corrupt(blob.Length < HeaderSize ? "it is shorter than its header" : "it does not start with the repository's mark");
        }
        version = blob[2];
        if (version > FormatVersion)
        {
            throw new WbemException(WbemErrorEnum.wbemErrDatabaseVerMismatch,
                $"A stored object was written in format {version}, newer than this Wmix reads ({FormatVersion}); upgrade Wmix.");
        }
        if (version == 0)
        {
            throw BlobReader.Corrupt("its format version is 0");
        }
        kind = (CimBlobKind)blob[1];
        if (kind is not (CimBlobKind.Class or CimBlobKind.Instance) || blob[3] != 0)
        {
            throw BlobReader.Corrupt("its header is unknown");
        }
        var stored = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(blob[4..]);
        if (stored != Checksum(blob[HeaderSize..]))
        {
            throw BlobReader.Corrupt("its checksum does not match");
        }
        return new BlobReader(blob, HeaderSize);
    }

    /// <summary>CRC-32C (Castagnoli), hardware-accelerated where the CPU has it.</summary>
    internal static uint Checksum(ReadOnlySpan<byte> data)
    {
        var crc = uint.MaxValue;
        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, MemoryMarshal.Read<ulong>(data));
            data = data[8..];
        }
        foreach (var b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }
        return ~crc;
    }

    // ---- classes ----

    private static void WriteLocation(BlobWriter w, CimObject o)
    {
        w.WriteString(o.Server);
        w.WriteString(o.Namespace);
    }

    private static void WriteClassBody(EncodeState s, CimClass cls, int depth)
    {
        var w = s.Writer;
        w.WriteString(cls.Name);
        WriteLocation(w, cls);
        WriteQualifiers(s, cls.Qualifiers, depth);
        var parent = cls.Superclass;

        // Properties: count first, so reserve a slot; entries in the class's order (inherited first).
        var countAt = w.Length;
        w.WriteUInt32(0);
        uint count = 0;
        foreach (var p in cls.Properties)
        {
            byte kind;
            if (CimNames.AreEqual(p.ClassOrigin, cls.Name))
            {
                kind = KindNew;
            }
            else if (p.IsLocal)
            {
                kind = KindOverride;
            }
            else if (parent?.FindProperty(p.Name) is not { } inherited)
            {
                kind = KindNew; // inconsistent object (inherited from nowhere): keep the declaration
            }
            else if (ExactEquals(p.Value, inherited.Value) && QualifiersAreInherited(p.Qualifiers, inherited.Qualifiers, CimFlavor.ToSubclass))
            {
                continue;
            }
            else
            {
                kind = KindInheritedModified;
            }
            w.WriteByte(kind);
            w.WriteString(p.Name);
            if (kind != KindInheritedModified)
            {
                w.WriteByte(TypeTag(p.Type, p.IsArray));
                w.WriteString(p.ReferenceClassName);
            }
            WriteValue(s, p.Value, p.Type, p.IsArray, depth);
            WriteQualifiers(s, p.Qualifiers, depth);
            count++;
        }
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(w.WrittenSpan[countAt..], count);

        countAt = w.Length;
        w.WriteUInt32(0);
        count = 0;
        foreach (var m in cls.Methods)
        {
            byte kind;
            if (CimNames.AreEqual(m.ClassOrigin, cls.Name))
            {
                kind = KindNew;
            }
            else if (m.IsLocal)
            {
                kind = KindOverride;
            }
            else if (parent?.Methods.Find(m.Name) is not { } inherited)
            {
                kind = KindNew;
            }
            else if (QualifiersAreInherited(m.Qualifiers, inherited.Qualifiers, CimFlavor.ToSubclass))
            {
                continue;
            }
            else
            {
                kind = KindInheritedModified;
            }
            w.WriteByte(kind);
            w.WriteString(m.Name);
            if (kind != KindInheritedModified)
            {
                w.WriteByte((byte)m.ReturnType);
                w.WriteVarUInt((uint)m.Parameters.Count);
                foreach (var p in m.Parameters)
                {
                    w.WriteString(p.Name);
                    w.WriteByte(TypeTag(p.Type, p.IsArray));
                    w.WriteString(p.ReferenceClassName);
                    WriteQualifiers(s, p.Qualifiers, depth);
                }
            }
            WriteQualifiers(s, m.Qualifiers, depth);
            count++;
        }
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(w.WrittenSpan[countAt..], count);
    }

    private static CimClass ReadClassBody(ref BlobReader r, DecodeState s, CimClass? superclass, int depth)
    {
        var name = r.ReadRequiredString("class name");
        var server = r.ReadString();
        var ns = r.ReadString();
        var cls = new CimClass(name, superclass);
        ReplaceQualifiers(cls.Qualifiers, ReadQualifiers(ref r, s, depth));

        var count = ReadFixedCount(ref r);
        for (var i = 0; i < count; i++)
        {
            var kind = r.ReadByte();
            var propertyName = r.ReadRequiredString("property name");
            if (kind is KindNew or KindOverride)
            {
                var (type, isArray) = ReadTypeTag(ref r, allowNone: false);
                var referenceClass = r.ReadString();
                var value = ReadValue(ref r, s, depth);
                var qualifiers = ReadQualifiers(ref r, s, depth);
                if (kind == KindNew)
                {
                    cls.AddProperty(new CimProperty(propertyName, type, isArray, value, referenceClass, new CimQualifierSet(qualifiers)));
                }
                else
                {
                    var p = cls.AddProperty(new CimProperty(propertyName, type, isArray, value, referenceClass));
                    ReplaceQualifiers(p.Qualifiers, qualifiers);
                }
            }
            else if (kind == KindInheritedModified)
            {
                var value = ReadValue(ref r, s, depth);
                var qualifiers = ReadQualifiers(ref r, s, depth);
                // A property the (updated) superclass no longer has, or has with another type, is left out.
                if (cls.FindProperty(propertyName) is { IsLocal: false } p && TryConvert(value, p.Type, p.IsArray, out var converted))
                {
                    p.Value = converted;
                    ReplaceQualifiers(p.Qualifiers, qualifiers);
                }
            }
            else
            {
                throw BlobReader.Corrupt($"property entry kind {kind} is unknown");
            }
        }

        count = ReadFixedCount(ref r);
        for (var i = 0; i < count; i++)
        {
            var kind = r.ReadByte();
            var methodName = r.ReadRequiredString("method name");
            if (kind is KindNew or KindOverride)
            {
                var (returnType, _) = ReadTypeTag(ref r, allowNone: true);
                var parameterCount = r.ReadCount(4);
                var parameters = new CimParameter[parameterCount];
                for (var j = 0; j < parameterCount; j++)
                {
                    var parameterName = r.ReadRequiredString("parameter name");
                    var (type, isArray) = ReadTypeTag(ref r, allowNone: true);
                    var referenceClass = r.ReadString();
                    parameters[j] = new CimParameter(parameterName, type, isArray, referenceClass, new CimQualifierSet(ReadQualifiers(ref r, s, depth)));
                }
                var qualifiers = ReadQualifiers(ref r, s, depth);
                if (kind == KindNew)
                {
                    cls.AddMethod(new CimMethod(methodName, returnType, parameters, new CimQualifierSet(qualifiers)));
                }
                else
                {
                    var m = cls.AddMethod(new CimMethod(methodName, returnType, parameters));
                    ReplaceQualifiers(m.Qualifiers, qualifiers);
                }
            }
            else if (kind == KindInheritedModified)
            {
                var qualifiers = ReadQualifiers(ref r, s, depth);
                if (cls.Methods.Find(methodName) is { IsLocal: false } m)
                {
                    ReplaceQualifiers(m.Qualifiers, qualifiers);
                }
            }
            else
            {
                throw BlobReader.Corrupt($"method entry kind {kind} is unknown");
            }
        }
        cls.WithLocation(server, ns);
        cls.Freeze();
        return cls;
    }

    // Every property, method or value entry takes at least two bytes (a name header and a kind or tag).
    private static int ReadFixedCount(ref BlobReader r) => r.ReadFixedCount(2);

    private static bool TryConvert(object? value, CimType type, bool isArray, out object? converted)
    {
        try
        {
            converted = CimValue.Convert(value, type, isArray);
            return true;
        }
        catch (WbemException ex) when (ex.ErrorCode is WbemErrorEnum.wbemErrTypeMismatch or WbemErrorEnum.wbemErrValueOutOfRange)
        {
            // Class evolution: the stored value no longer fits its property; the property keeps its default.
            converted = null;
            return false;
        }
    }

    // ---- qualifiers ----

    private static void WriteQualifiers(EncodeState s, CimQualifierSet qualifiers, int depth)
    {
        var w = s.Writer;
        w.WriteVarUInt((uint)qualifiers.Count);
        foreach (var q in qualifiers)
        {
            w.WriteString(q.Name);
            w.WriteByte((byte)q.Flavor);
            w.WriteByte(TypeTag(q.Type, q.IsArray));
            WriteValue(s, q.Value, q.Type, q.IsArray, depth);
        }
    }

    private static CimQualifier[] ReadQualifiers(ref BlobReader r, DecodeState s, int depth)
    {
        var count = r.ReadCount(4);
        if (count == 0)
        {
            return [];
        }
        var result = new CimQualifier[count];
        for (var i = 0; i < count; i++)
        {
            var name = r.ReadRequiredString("qualifier name");
            var flavor = (CimFlavor)r.ReadByte();
            var (type, isArray) = ReadTypeTag(ref r, allowNone: false);
            var value = ReadValue(ref r, s, depth);
            result[i] = new CimQualifier(name, value, flavor, type, isArray);
        }
        return result;
    }

    private static void ReplaceQualifiers(CimQualifierSet set, CimQualifier[] qualifiers)
    {
        if (set.Count == qualifiers.Length)
        {
            var same = true;
            for (var i = 0; i < qualifiers.Length && same; i++)
            {
                same = QualifierEquals(set[i], qualifiers[i]);
            }
            if (same)
            {
                return;
            }
        }
        while (set.Count > 0)
        {
            set.Remove(set[set.Count - 1].Name);
        }
        foreach (var q in qualifiers)
        {
            set.Set(q);
        }
    }

    /// <summary>True when <paramref name="actual"/> is exactly what inheriting <paramref name="source"/> gives (same order, values, flavors).</summary>
    private static bool QualifiersAreInherited(CimQualifierSet actual, CimQualifierSet source, CimFlavor propagateBit)
    {
        var j = 0;
        foreach (var q in source)
        {
            if ((q.Flavor & propagateBit) == 0)
            {
                continue;
            }
            if (j >= actual.Count)
            {
                return false;
            }
            var a = actual[j++];
            if (a.Flavor != (q.Flavor | CimFlavor.Propagated) || a.Type != q.Type || a.IsArray != q.IsArray
                || !string.Equals(a.Name, q.Name, StringComparison.Ordinal) || !ExactEquals(a.Value, q.Value))
            {
                return false;
            }
        }
        return j == actual.Count;
    }

    private static bool QualifierEquals(CimQualifier a, CimQualifier b) =>
        a.Flavor == b.Flavor && a.Type == b.Type && a.IsArray == b.IsArray
        && string.Equals(a.Name, b.Name, StringComparison.Ordinal) && ExactEquals(a.Value, b.Value);

    // ---- instances ----

    private static void WriteInstanceBody(EncodeState s, CimInstance instance, int depth)
    {
        var w = s.Writer;
        var cls = instance.Class;
        if (QualifiersAreInherited(instance.Qualifiers, cls.Qualifiers, CimFlavor.ToInstance))
        {
            w.WriteByte(0);
        }
        else
        {
            w.WriteByte(1);
            WriteQualifiers(s, instance.Qualifiers, depth);
        }
        var properties = cls.Properties;
        var countAt = w.Length;
        w.WriteUInt32(0);
        uint count = 0;
        for (var i = 0; i < properties.Count; i++)
        {
            var p = properties[i];
            var value = instance.GetValue(i);
            if (ExactEquals(value, p.Value))
            {
                continue;
            }
            w.WriteString(p.Name);
            WriteValue(s, value, p.Type, p.IsArray, depth);
            count++;
        }
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(w.WrittenSpan[countAt..], count);
    }

    private static CimInstance ReadInstanceBody(ref BlobReader r, DecodeState s, CimClass cls, int depth)
    {
        var qualifierMode = r.ReadByte();
        CimQualifier[]? qualifiers = null;
        if (qualifierMode == 1)
        {
            qualifiers = ReadQualifiers(ref r, s, depth);
        }
        else if (qualifierMode != 0)
        {
            throw BlobReader.Corrupt("the instance qualifier mode is unknown");
        }
        var instance = cls.SpawnInstance();
        if (qualifiers is not null)
        {
            ReplaceQualifiers(instance.Qualifiers, qualifiers);
        }
        var properties = cls.Properties;
        var count = ReadFixedCount(ref r);
        var cursor = 0;
        for (var i = 0; i < count; i++)
        {
            var nameBytes = r.ReadStringBytes(out var isNull, out var utf16);
            if (isNull)
            {
                throw BlobReader.Corrupt("a property name is missing");
            }
            // Values are written in property order, so the next declaration is almost always the one named.
            var index = -1;
            for (var probe = cursor; probe < properties.Count; probe++)
            {
                if (NameEquals(nameBytes, utf16, properties[probe].Name))
                {
                    index = probe;
                    break;
                }
            }
            if (index < 0)
            {
                index = cls.IndexOf(DecodeName(nameBytes, utf16));
            }
            var value = ReadValue(ref r, s, depth);
            if (index < 0)
            {
                continue; // the property was removed from the class
            }
            cursor = index + 1;
            var p = properties[index];
            if (value is not null && !ValueMatches(value, p.Type, p.IsArray))
            {
                if (!TryConvert(value, p.Type, p.IsArray, out value))
                {
                    continue;
                }
            }
            instance.SetValue(index, value);
        }
        return instance;
    }

    private static bool ValueMatches(object value, CimType type, bool isArray) =>
        isArray ? value is Array && value.GetType().GetElementType() == type.ClrType()
            : type == CimType.Object ? value is CimObject : value.GetType() == type.ClrType();

    private static bool NameEquals(ReadOnlySpan<byte> bytes, bool utf16, string name)
    {
        if (utf16)
        {
            return MemoryMarshal.Cast<byte, char>(bytes).Equals(name, StringComparison.OrdinalIgnoreCase);
        }
        if (bytes.Length == name.Length)
        {
            // ASCII fast path: names are nearly always ASCII identifiers.
            var ascii = true;
            for (var i = 0; i < bytes.Length; i++)
            {
                var b = bytes[i];
                var c = name[i];
                if (b >= 0x80 || c >= 0x80)
                {
                    ascii = false;
                    break;
                }
                if (b != c && (b | 0x20) != (c | 0x20))
                {
                    return false;
                }
                if (b != c && !char.IsAsciiLetter((char)b))
                {
                    return false;
                }
            }
            if (ascii)
            {
                return true;
            }
        }
        Span<char> chars = stackalloc char[Math.Min(bytes.Length, 512)];
        if (bytes.Length > 512 || !System.Text.Unicode.Utf8.ToUtf16(bytes, chars, out _, out var written, replaceInvalidSequences: false).Equals(System.Buffers.OperationStatus.Done))
        {
            return string.Equals(DecodeName(bytes, utf16), name, StringComparison.OrdinalIgnoreCase);
        }
        return chars[..written].Equals(name, StringComparison.OrdinalIgnoreCase);
    }

    private static string DecodeName(ReadOnlySpan<byte> bytes, bool utf16)
    {
        if (utf16)
        {
            if ((bytes.Length & 1) != 0)
            {
                throw BlobReader.Corrupt("a UTF-16 string has an odd length");
            }
            return new string(MemoryMarshal.Cast<byte, char>(bytes));
        }
        try
        {
            return s_strictUtf8.GetString(bytes);
        }
        catch (System.Text.DecoderFallbackException ex)
        {
            throw BlobReader.Corrupt("a name is not valid UTF-8", ex);
        }
    }

    // ---- values ----

    private static byte TypeTag(CimType type, bool isArray) => (byte)((int)type | (isArray ? 0x80 : 0));

    private static (CimType Type, bool IsArray) ReadTypeTag(ref BlobReader r, bool allowNone)
    {
        var tag = r.ReadByte();
        var type = (CimType)(tag & 0x7F);
        if (!Enum.IsDefined(type) || (type == CimType.None && !allowNone))
        {
            throw BlobReader.Corrupt($"type code {tag & 0x7F} is unknown");
        }
        return (type, (tag & 0x80) != 0);
    }

    private static void WriteValue(EncodeState s, object? value, CimType type, bool isArray, int depth)
    {
        var w = s.Writer;
        if (value is null)
        {
            w.WriteByte(0);
            return;
        }
        if (type == CimType.None)
        {
            throw Mismatch(value, type);
        }
        w.WriteByte(TypeTag(type, isArray));
        if (!isArray)
        {
            WriteScalar(s, value, type, depth);
            return;
        }
        switch (value)
        {
            case sbyte[] a when type == CimType.SInt8: WriteRaw<sbyte>(w, a); break;
            case byte[] a when type == CimType.UInt8: WriteRaw<byte>(w, a); break;
            case short[] a when type == CimType.SInt16: WriteRaw<short>(w, a); break;
            case ushort[] a when type == CimType.UInt16: WriteRaw<ushort>(w, a); break;
            case int[] a when type == CimType.SInt32: WriteRaw<int>(w, a); break;
            case uint[] a when type == CimType.UInt32: WriteRaw<uint>(w, a); break;
            case long[] a when type == CimType.SInt64: WriteRaw<long>(w, a); break;
            case ulong[] a when type == CimType.UInt64: WriteRaw<ulong>(w, a); break;
            case float[] a when type == CimType.Real32: WriteRaw<float>(w, a); break;
            case double[] a when type == CimType.Real64: WriteRaw<double>(w, a); break;
            case char[] a when type == CimType.Char16: WriteRaw<char>(w, a); break;
            case bool[] a when type == CimType.Boolean:
                w.WriteVarUInt((uint)a.Length);
                foreach (var b in a)
                {
                    w.WriteByte(b ? (byte)1 : (byte)0);
                }
                break;
            case string[] a when type is CimType.String or CimType.DateTime or CimType.Reference:
                w.WriteVarUInt((uint)a.Length);
                foreach (var e in a)
                {
                    w.WriteString(e);
                }
                break;
            case CimObject[] a when type == CimType.Object:
                w.WriteVarUInt((uint)a.Length);
                foreach (var e in a)
                {
                    WriteObject(s, e, depth + 1);
                }
                break;
            default:
                throw Mismatch(value, type);
        }
    }

    private static void WriteRaw<T>(BlobWriter w, T[] values)
        where T : unmanaged
    {
        w.WriteVarUInt((uint)values.Length);
        w.WriteBytes(MemoryMarshal.AsBytes(values.AsSpan()));
    }

    private static void WriteScalar(EncodeState s, object value, CimType type, int depth)
    {
        var w = s.Writer;
        switch (type)
        {
            case CimType.SInt8 when value is sbyte v: w.WriteByte((byte)v); break;
            case CimType.UInt8 when value is byte v: w.WriteByte(v); break;
            case CimType.SInt16 when value is short v: w.WriteUInt16((ushort)v); break;
            case CimType.UInt16 when value is ushort v: w.WriteUInt16(v); break;
            case CimType.SInt32 when value is int v: w.WriteUInt32((uint)v); break;
            case CimType.UInt32 when value is uint v: w.WriteUInt32(v); break;
            case CimType.SInt64 when value is long v: w.WriteUInt64((ulong)v); break;
            case CimType.UInt64 when value is ulong v: w.WriteUInt64(v); break;
            case CimType.Real32 when value is float v: w.WriteUInt32(BitConverter.SingleToUInt32Bits(v)); break;
            case CimType.Real64 when value is double v: w.WriteUInt64(BitConverter.DoubleToUInt64Bits(v)); break;
            case CimType.Boolean when value is bool v: w.WriteByte(v ? (byte)1 : (byte)0); break;
            case CimType.Char16 when value is char v: w.WriteUInt16(v); break;
            case CimType.String or CimType.DateTime or CimType.Reference when value is string v: w.WriteString(v); break;
            case CimType.Object when value is CimObject v: WriteObject(s, v, depth + 1); break;
            default: throw Mismatch(value, type);
        }
    }

    private static object? ReadValue(ref BlobReader r, DecodeState s, int depth)
    {
        var tag = r.ReadByte();
        if (tag == 0)
        {
            return null;
        }
        var type = (CimType)(tag & 0x7F);
        if (type == CimType.None || !Enum.IsDefined(type))
        {
            throw BlobReader.Corrupt($"type code {tag & 0x7F} is unknown");
        }
        if ((tag & 0x80) == 0)
        {
            return ReadScalar(ref r, s, type, depth);
        }
        switch (type)
        {
            case CimType.SInt8: return ReadRaw<sbyte>(ref r);
            case CimType.UInt8: return ReadRaw<byte>(ref r);
            case CimType.SInt16: return ReadRaw<short>(ref r);
            case CimType.UInt16: return ReadRaw<ushort>(ref r);
            case CimType.SInt32: return ReadRaw<int>(ref r);
            case CimType.UInt32: return ReadRaw<uint>(ref r);
            case CimType.SInt64: return ReadRaw<long>(ref r);
            case CimType.UInt64: return ReadRaw<ulong>(ref r);
            case CimType.Real32: return ReadRaw<float>(ref r);
            case CimType.Real64: return ReadRaw<double>(ref r);
            case CimType.Char16: return ReadRaw<char>(ref r);
            case CimType.Boolean:
            {
                var count = r.ReadCount(1);
                var bytes = r.ReadBytes(count);
                var result = new bool[count];
                for (var i = 0; i < count; i++)
                {
                    result[i] = bytes[i] switch
                    {
                        0 => false,
                        1 => true,
                        _ => throw BlobReader.Corrupt("a boolean is neither 0 nor 1"),
                    };
                }
                return result;
            }
            case CimType.Object:
            {
                var count = r.ReadCount(1);
                var result = new CimObject[count];
                for (var i = 0; i < count; i++)
                {
                    result[i] = ReadObject(ref r, s, depth + 1) ?? throw BlobReader.Corrupt("an embedded object array holds a null");
                }
                return result;
            }
            default:
            {
                var count = r.ReadCount(1);
                var result = new string[count];
                for (var i = 0; i < count; i++)
                {
                    result[i] = r.ReadString() ?? throw BlobReader.Corrupt("a string array holds a null");
                }
                return result;
            }
        }
    }

    private static T[] ReadRaw<T>(ref BlobReader r)
        where T : unmanaged
    {
        var size = System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        var count = r.ReadCount(size);
        var bytes = r.ReadBytes(count * size);
        var result = new T[count];
        bytes.CopyTo(MemoryMarshal.AsBytes(result.AsSpan()));
        return result;
    }

    private static object ReadScalar(ref BlobReader r, DecodeState s, CimType type, int depth) => type switch
    {
        CimType.SInt8 => (sbyte)r.ReadByte(),
        CimType.UInt8 => r.ReadByte(),
        CimType.SInt16 => (short)r.ReadUInt16(),
        CimType.UInt16 => r.ReadUInt16(),
        CimType.SInt32 => (int)r.ReadUInt32(),
        CimType.UInt32 => r.ReadUInt32(),
        CimType.SInt64 => (long)r.ReadUInt64(),
        CimType.UInt64 => r.ReadUInt64(),
        CimType.Real32 => BitConverter.UInt32BitsToSingle(r.ReadUInt32()),
        CimType.Real64 => BitConverter.UInt64BitsToDouble(r.ReadUInt64()),
        CimType.Boolean => r.ReadByte() switch
        {
            0 => false,
            1 => true,
            _ => throw BlobReader.Corrupt("a boolean is neither 0 nor 1"),
        },
        CimType.Char16 => (char)r.ReadUInt16(),
        CimType.Object => ReadObject(ref r, s, depth + 1) ?? throw BlobReader.Corrupt("an embedded object is null"),
        _ => r.ReadString() ?? throw BlobReader.Corrupt("a string value is null"),
    };

    // ---- embedded objects ----

    private static void WriteObject(EncodeState s, CimObject? o, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new WbemException(WbemErrorEnum.wbemErrInvalidObject, $"Embedded objects nest deeper than {MaxDepth} levels.");
        }
        var w = s.Writer;
        switch (o)
        {
            case null:
                w.WriteByte(0);
                break;
            case CimClass c:
                w.WriteByte(1);
                WriteClassRef(s, c, depth);
                break;
            case CimInstance i:
                w.WriteByte(2);
                WriteClassRef(s, i.Class, depth);
                WriteLocation(w, i);
                WriteInstanceBody(s, i, depth);
                break;
            default:
                throw new WbemException(WbemErrorEnum.wbemErrInvalidObject, $"An embedded object of type {o.GetType().Name} cannot be stored.");
        }
    }

    private static CimObject? ReadObject(ref BlobReader r, DecodeState s, int depth)
    {
        if (depth > MaxDepth)
        {
            throw BlobReader.Corrupt($"embedded objects nest deeper than {MaxDepth} levels");
        }
        switch (r.ReadByte())
        {
            case 0:
                return null;
            case 1:
                return ReadClassRef(ref r, s, depth);
            case 2:
                var cls = ReadClassRef(ref r, s, depth);
                var server = r.ReadString();
                var ns = r.ReadString();
                var instance = ReadInstanceBody(ref r, s, cls, depth);
                instance.WithLocation(server, ns);
                instance.Freeze();
                return instance;
            default:
                throw BlobReader.Corrupt("an embedded object's genus is unknown");
        }
    }

    private static void WriteClassRef(EncodeState s, CimClass cls, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new WbemException(WbemErrorEnum.wbemErrInvalidObject, $"Embedded classes nest deeper than {MaxDepth} levels.");
        }
        var table = s.Classes ??= new Dictionary<CimClass, int>(ReferenceEqualityComparer.Instance);
        if (table.TryGetValue(cls, out var index))
        {
            s.Writer.WriteVarUInt((uint)index + 1);
            return;
        }
        s.Writer.WriteVarUInt(0);
        if (cls.Superclass is { } parent)
        {
            s.Writer.WriteByte(1);
            WriteClassRef(s, parent, depth + 1);
        }
        else
        {
            s.Writer.WriteByte(0);
        }
        WriteClassBody(s, cls, depth);
        table.Add(cls, table.Count);
    }

    private static CimClass ReadClassRef(ref BlobReader r, DecodeState s, int depth)
    {
        if (depth > MaxDepth)
        {
            throw BlobReader.Corrupt($"embedded classes nest deeper than {MaxDepth} levels");
        }
        var reference = r.ReadVarUInt();
        var table = s.Classes ??= [];
        if (reference != 0)
        {
            return reference <= (uint)table.Count ? table[(int)reference - 1] : throw BlobReader.Corrupt("an embedded class reference is out of range");
        }
        CimClass? parent = r.ReadByte() switch
        {
            0 => null,
            1 => ReadClassRef(ref r, s, depth + 1),
            _ => throw BlobReader.Corrupt("an embedded class's superclass mark is unknown"),
        };
        var cls = ReadClassBody(ref r, s, parent, depth);
        table.Add(cls);
        return cls;
    }

    // ---- equality ----

    /// <summary>
    /// Exact equality for deciding what may be left out: same CLR type and the same bits (so -0.0 and NaN payloads
    /// survive); strings ordinal; embedded objects only when they are the same object.
    /// </summary>
    internal static bool ExactEquals(object? a, object? b)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }
        if (a is null || b is null || a.GetType() != b.GetType())
        {
            return false;
        }
        return a switch
        {
            string s => string.Equals(s, (string)b, StringComparison.Ordinal),
            float f => BitConverter.SingleToUInt32Bits(f) == BitConverter.SingleToUInt32Bits((float)b),
            double d => BitConverter.DoubleToUInt64Bits(d) == BitConverter.DoubleToUInt64Bits((double)b),
            CimObject => false,
            string[] x => x.AsSpan().SequenceEqual((string[])b),
            CimObject[] x => ObjectsIdentical(x, (CimObject[])b),
            sbyte[] x => Bits(x, b),
            byte[] x => Bits(x, b),
            short[] x => Bits(x, b),
            ushort[] x => Bits(x, b),
            int[] x => Bits(x, b),
            uint[] x => Bits(x, b),
            long[] x => Bits(x, b),
            ulong[] x => Bits(x, b),
            float[] x => Bits(x, b),
            double[] x => Bits(x, b),
            char[] x => Bits(x, b),
            bool[] x => x.AsSpan().SequenceEqual((bool[])b),
            Array => false,
            _ => a.Equals(b),
        };

        static bool Bits<T>(T[] x, object y)
            where T : unmanaged => MemoryMarshal.AsBytes(x.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(((T[])y).AsSpan()));

        static bool ObjectsIdentical(CimObject[] x, CimObject[] y)
        {
            if (x.Length != y.Length)
            {
                return false;
            }
            for (var i = 0; i < x.Length; i++)
            {
                if (!ReferenceEquals(x[i], y[i]))
                {
                    return false;
                }
            }
            return true;
        }
    }

    private static WbemException Mismatch(object value, CimType type) =>
        new(WbemErrorEnum.wbemErrTypeMismatch, $"A value of type {value.GetType().Name} cannot be stored as {type.MofName()}.");

    private sealed class EncodeState(BlobWriter writer)
    {
        public BlobWriter Writer { get; } = writer;

        public Dictionary<CimClass, int>? Classes { get; set; }
    }

    private sealed class DecodeState
    {
        public List<CimClass>? Classes { get; set; }
    }
}

using System.Xml;

namespace Wmix.Remote.Protocol;

/// <summary>Limits applied to every message the codec reads. Immutable; start from <see cref="Default"/>.</summary>
public sealed record WsManReaderLimits
{
    /// <summary>4 Mi characters, depth 64.</summary>
    public static WsManReaderLimits Default { get; } = new();

    /// <summary>The largest document, in characters (a PullResponse with many items fits comfortably).</summary>
    public long MaxCharacters { get; init; } = 4 * 1024 * 1024;

    /// <summary>The deepest element nesting accepted (an envelope with nested embedded objects needs about 20).</summary>
    public int MaxDepth { get; init; } = 64;
}

/// <summary>
/// The one factory for XML readers and writers of the remote layer. Readers are hardened: DTDs are prohibited
/// (an <c>&lt;!DOCTYPE</c> fails at once, so neither external entities nor entity expansion can happen), no
/// resolver, a character cap and a depth cap. Every XML error surfaces as <see cref="WsManProtocolException"/>.
/// </summary>
public static class WsManXml
{
    private static readonly XmlWriterSettings s_writerSettings = new()
    {
        Encoding = new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        OmitXmlDeclaration = true,
        Indent = false,
        CloseOutput = false,
        NamespaceHandling = NamespaceHandling.Default,
        CheckCharacters = true,
        // A carriage return in a string must survive: parsers turn a literal CR into LF, so it travels as &#xD;.
        NewLineHandling = NewLineHandling.Entitize,
    };

    /// <summary>Secure reader settings for <paramref name="limits"/>.</summary>
    public static XmlReaderSettings CreateReaderSettings(WsManReaderLimits? limits = null)
    {
        limits ??= WsManReaderLimits.Default;
        return new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = limits.MaxCharacters,
            MaxCharactersFromEntities = 1024,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            IgnoreWhitespace = false,
            CloseInput = false,
            ValidationType = ValidationType.None,
        };
    }

    /// <summary>A hardened reader over <paramref name="input"/> (UTF-8, or UTF-16 with a byte-order mark).</summary>
    /// <exception cref="WsManProtocolException">Reading fails with it for hostile or malformed input.</exception>
    public static XmlReader CreateReader(Stream input, WsManReaderLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        limits ??= WsManReaderLimits.Default;
        return new GuardedXmlReader(XmlReader.Create(input, CreateReaderSettings(limits)), limits.MaxDepth);
    }

    /// <summary>A hardened reader over text.</summary>
    public static XmlReader CreateReader(TextReader input, WsManReaderLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        limits ??= WsManReaderLimits.Default;
        return new GuardedXmlReader(XmlReader.Create(input, CreateReaderSettings(limits)), limits.MaxDepth);
    }

    /// <summary>A hardened reader over an in-memory message.</summary>
    /// <remarks>
    /// A UTF-8 message (the norm) is decoded by <see cref="Utf8MemoryReader"/> straight into the parser's character
    /// buffer: <see cref="XmlReader"/> over a byte stream re-copies its byte and character buffers on every refill
    /// (measured: three times slower on a 1.2 MB PullResponse, the client's hottest path). Anything else — a
    /// byte-order mark other than UTF-8's, UTF-16 without one, a declaration naming another encoding — goes through
    /// the stream path, whose encoding detection is unchanged. Invalid UTF-8 is rejected either way.
    /// </remarks>
    public static XmlReader CreateReader(ReadOnlyMemory<byte> input, WsManReaderLimits? limits = null)
    {
        if (Utf8MemoryReader.TryCreate(input) is { } text)
        {
            limits ??= WsManReaderLimits.Default;
            return new GuardedXmlReader(XmlReader.Create(text, CreateReaderSettings(limits)), limits.MaxDepth);
        }
        return CreateReader(new ReadOnlyMemoryStream(input), limits);
    }

    /// <summary>A UTF-8 writer without declaration or indentation, for one envelope.</summary>
    public static XmlWriter CreateWriter(Stream output)
    {
        ArgumentNullException.ThrowIfNull(output);
        return XmlWriter.Create(output, s_writerSettings);
    }

    /// <summary>A writer over text (tests and diagnostics).</summary>
    public static XmlWriter CreateWriter(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        return XmlWriter.Create(output, s_writerSettings);
    }

    /// <summary>Maps an <see cref="XmlException"/> to the codec's exception with the specific reason.</summary>
    internal static WsManProtocolException Translate(XmlException e)
    {
        var text = e.Message;
        if (text.Contains("DTD", StringComparison.OrdinalIgnoreCase) || text.Contains("DOCTYPE", StringComparison.OrdinalIgnoreCase))
        {
            return new WsManProtocolException(WsManProtocolError.DtdProhibited, "DTDs are not accepted in WS-Management messages.", e);
        }
        if (text.Contains("MaxCharacters", StringComparison.OrdinalIgnoreCase) || text.Contains("exceeds", StringComparison.OrdinalIgnoreCase))
        {
            return new WsManProtocolException(WsManProtocolError.TooLarge, "The message exceeds the size limit.", e);
        }
        return new WsManProtocolException(WsManProtocolError.Malformed, "Malformed XML: " + e.Message, e);
    }

    /// <summary>
    /// Wraps a reader to enforce the depth cap and translate XML errors; every codec read goes through it, so
    /// <c>Skip()</c> and <c>ReadSubtree()</c> cannot bypass the checks.
    /// </summary>
    private sealed class GuardedXmlReader(XmlReader inner, int maxDepth) : XmlReader
    {
        public override XmlNodeType NodeType => inner.NodeType;
        public override string LocalName => inner.LocalName;
        public override string NamespaceURI => inner.NamespaceURI;
        public override string Prefix => inner.Prefix;
        public override string Value => inner.Value;
        public override int Depth => inner.Depth;
        public override string BaseURI => inner.BaseURI;
        public override bool IsEmptyElement => inner.IsEmptyElement;
        public override int AttributeCount => inner.AttributeCount;
        public override bool EOF => inner.EOF;
        public override ReadState ReadState => inner.ReadState;
        public override XmlNameTable NameTable => inner.NameTable;
        public override XmlReaderSettings? Settings => inner.Settings;
        public override string GetAttribute(string name) => inner.GetAttribute(name)!;
        public override string? GetAttribute(string name, string? namespaceURI) => inner.GetAttribute(name, namespaceURI);
        public override string GetAttribute(int i) => inner.GetAttribute(i);
        public override string? LookupNamespace(string prefix) => inner.LookupNamespace(prefix);
        public override bool MoveToAttribute(string name) => inner.MoveToAttribute(name);
        public override bool MoveToAttribute(string name, string? ns) => inner.MoveToAttribute(name, ns);
        public override void MoveToAttribute(int i) => inner.MoveToAttribute(i);
        public override bool MoveToElement() => inner.MoveToElement();
        public override bool MoveToFirstAttribute() => inner.MoveToFirstAttribute();
        public override bool MoveToNextAttribute() => inner.MoveToNextAttribute();
        public override bool ReadAttributeValue() => inner.ReadAttributeValue();
        public override void ResolveEntity() => throw new WsManProtocolException(WsManProtocolError.DtdProhibited, "Entity references are not accepted.");

        public override bool Read()
        {
            bool more;
            try
            {
                more = inner.Read();
            }
            catch (XmlException e)
            {
                throw Translate(e);
            }
            if (more)
            {
                if (inner.NodeType == XmlNodeType.EntityReference || inner.NodeType == XmlNodeType.DocumentType)
                {
                    throw new WsManProtocolException(WsManProtocolError.DtdProhibited, "Entity references and DTDs are not accepted.");
                }
                if (inner.Depth > maxDepth)
                {
                    throw new WsManProtocolException(WsManProtocolError.TooDeep, $"Elements nest deeper than {maxDepth} levels.");
                }
            }
            return more;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }
            base.Dispose(disposing);
        }
    }

    /// <summary>
    /// Text over a UTF-8 message in memory, decoded incrementally (no whole-message string). Only the block reads the
    /// XML parser uses are supported.
    /// </summary>
    private sealed class Utf8MemoryReader : TextReader
    {
        private static readonly System.Text.UTF8Encoding s_strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        private readonly ReadOnlyMemory<byte> _input;
        private readonly System.Text.Decoder _decoder = s_strict.GetDecoder();
        private int _position;

        private Utf8MemoryReader(ReadOnlyMemory<byte> input) => _input = input;

        /// <summary>A reader when <paramref name="input"/> is certainly UTF-8 (BOM, or ASCII start and no other declared encoding); else null.</summary>
        public static Utf8MemoryReader? TryCreate(ReadOnlyMemory<byte> input)
        {
            var span = input.Span;
            if (span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
            {
                return new Utf8MemoryReader(input[3..]);
            }
            // UTF-16/32 (with or without a mark) has a zero or a 0xFE/0xFF among the first bytes; leave those to the stream path.
            if (span.Length < 2 || span[0] is 0 or 0xFE or 0xFF || span[1] == 0)
            {
                return null;
            }
            if (span.StartsWith("<?xml"u8))
            {
                var end = span[..Math.Min(span.Length, 512)].IndexOf("?>"u8);
                if (end < 0)
                {
                    return null;
                }
                var declaration = span[..end];
                var at = declaration.IndexOf("encoding"u8);
                if (at >= 0 && !IsUtf8Name(declaration[(at + "encoding".Length)..]))
                {
                    return null;
                }
            }
            return new Utf8MemoryReader(input);
        }

        private static bool IsUtf8Name(ReadOnlySpan<byte> rest)
        {
            // rest: optional spaces, '=', spaces, a quoted name.
            var q = rest.IndexOfAny((byte)'"', (byte)'\'');
            if (q < 0)
            {
                return false;
            }
            var value = rest[(q + 1)..];
            var close = value.IndexOf(rest[q]);
            if (close < 0)
            {
                return false;
            }
            value = value[..close];
            return System.Text.Ascii.EqualsIgnoreCase(value, "utf-8"u8) || System.Text.Ascii.EqualsIgnoreCase(value, "utf8"u8);
        }

        public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

        public override int Read(Span<char> buffer)
        {
            if (buffer.IsEmpty)
            {
                return 0;
            }
            var rest = _input.Span[_position..];
            var total = 0;
            // One decode normally fills the request; loop only if a split sequence left room unused.
            while (!buffer.IsEmpty)
            {
                try
                {
                    _decoder.Convert(rest, buffer, flush: true, out var bytesUsed, out var charsUsed, out _);
                    _position += bytesUsed;
                    rest = rest[bytesUsed..];
                    buffer = buffer[charsUsed..];
                    total += charsUsed;
                    if (charsUsed == 0)
                    {
                        break;
                    }
                }
                catch (System.Text.DecoderFallbackException e)
                {
                    throw new WsManProtocolException(WsManProtocolError.Malformed, "Malformed XML: the message is not valid UTF-8.", e);
                }
                catch (ArgumentException) when (total > 0)
                {
                    // The next character (a surrogate pair) does not fit the rest of the buffer: return what we have.
                    break;
                }
            }
            return total;
        }

        public override int Read() => throw new NotSupportedException("Only block reads are supported.");

        public override int Peek() => throw new NotSupportedException("Only block reads are supported.");
    }

    /// <summary>A read-only stream over memory (no copy).</summary>
    private sealed class ReadOnlyMemoryStream(ReadOnlyMemory<byte> memory) : Stream
    {
        private int _position;

        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => memory.Length;

        public override long Position
        {
            get => _position;
            set => _position = (int)Math.Clamp(value, 0, memory.Length);
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = Math.Min(buffer.Length, memory.Length - _position);
            memory.Span.Slice(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override long Seek(long offset, SeekOrigin origin)
        {
            Position = origin switch
            {
                SeekOrigin.Begin => offset,
                SeekOrigin.Current => _position + offset,
                _ => memory.Length + offset,
            };
            return _position;
        }

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

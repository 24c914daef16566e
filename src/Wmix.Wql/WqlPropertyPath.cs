using Wmix.Wql.Internal;

namespace Wmix.Wql;

/// <summary>
/// A property reference such as <c>Name</c> or <c>TargetInstance.Name</c>: one part per dot-separated identifier,
/// each part into an embedded object.
/// </summary>
/// <remarks>
/// Equality is structural and ordinal (exact case), which is what round-tripping needs; WMI's case-insensitive name
/// matching is the evaluator's job.
/// </remarks>
public sealed class WqlPropertyPath : IEquatable<WqlPropertyPath>
{
    private readonly ValueList<string> _parts;

    /// <summary>Creates a path from its parts.</summary>
    /// <exception cref="ArgumentException">No parts, or a part that is not a WQL identifier (reserved words included).</exception>
    public WqlPropertyPath(params IEnumerable<string> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        string[] array = [.. parts];
        if (array.Length == 0)
        {
            throw new ArgumentException("A property path needs at least one part.", nameof(parts));
        }
        foreach (var part in array)
        {
            WqlSyntax.RequireIdentifier(part, nameof(parts));
        }
        _parts = ValueList<string>.Own(array);
    }

    private WqlPropertyPath(string[] trustedParts) => _parts = ValueList<string>.Own(trustedParts);

    /// <summary>Used by the parser, whose parts are already valid identifiers.</summary>
    internal static WqlPropertyPath CreateTrusted(string[] parts) => new(parts);

    /// <summary>The dot-separated identifiers, outermost first.</summary>
    public IReadOnlyList<string> Parts => _parts;

    /// <summary>The parts as a span, for evaluators that walk embedded objects without allocating.</summary>
    public ReadOnlySpan<string> PartsSpan => _parts.AsSpan();

    /// <summary>True when the path reaches into an embedded object (more than one part).</summary>
    public bool IsNested => _parts.Count > 1;

    /// <summary>The last part: the property that is finally read.</summary>
    public string LeafName => _parts[_parts.Count - 1];

    /// <summary>The dotted form, e.g. <c>TargetInstance.Name</c>.</summary>
    public override string ToString() => _parts.Count == 1 ? _parts[0] : string.Join('.', _parts.AsSpan());

    /// <inheritdoc />
    public bool Equals(WqlPropertyPath? other) => other is not null && _parts.Equals(other._parts);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is WqlPropertyPath other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => _parts.GetHashCode();

    /// <summary>Structural equality.</summary>
    public static bool operator ==(WqlPropertyPath? left, WqlPropertyPath? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Structural inequality.</summary>
    public static bool operator !=(WqlPropertyPath? left, WqlPropertyPath? right) => !(left == right);
}

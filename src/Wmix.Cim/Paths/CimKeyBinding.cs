namespace Wmix.Cim;

/// <summary>
/// One key of an instance path: <c>Name=Value</c> in <c>Class.Name=Value</c>.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Value"/> is a <see cref="string"/> (string, datetime and char16 keys, and reference keys read
/// from text), a <see cref="long"/> or <see cref="ulong"/> (integers; any CLR integer type is accepted when
/// building a path), a <see cref="bool"/>, a <see cref="char"/>, a <see cref="float"/> or <see cref="double"/>
/// (finite only), or a <see cref="CimObjectPath"/> (a reference key, written as a quoted path).
/// </para>
/// <para>
/// An empty <see cref="Name"/> is the unnamed key of the <c>Class="value"</c> form, which is valid only for a
/// class with exactly one key; the class model binds it to that key.
/// </para>
/// </remarks>
/// <param name="Name">The key property's name, or empty for the unnamed key of <c>Class=value</c>.</param>
/// <param name="Value">The key's value; see the remarks for the accepted CLR types.</param>
public readonly record struct CimKeyBinding(string Name, object Value);

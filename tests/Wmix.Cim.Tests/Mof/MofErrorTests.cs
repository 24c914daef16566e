namespace Wmix.Cim.Tests.Mof;

/// <summary>Bad MOF gives one WbemException with the right code, file, line and column, and no result.</summary>
public sealed class MofErrorTests
{
    private const string Prelude = "class P { [Key] string Name; uint32 N; boolean B; P ref R; };\n";

    // Each case: MOF (the error is on line 2, after the prelude), expected code, expected column.
    public static TheoryData<string, WbemErrorEnum, int> Cases => new()
    {
        // Lexical
        { "class A { string S = \"open; };", WbemErrorEnum.wbemErrInvalidSyntax, 22 },
        { "/* never closed", WbemErrorEnum.wbemErrInvalidSyntax, 1 },
        { "class A { string S = \"\\q\"; };", WbemErrorEnum.wbemErrInvalidSyntax, 23 },
        { "class A { string S = \"\\x\"; };", WbemErrorEnum.wbemErrInvalidSyntax, 23 },
        { "class A { char16 C = 'ab'; };", WbemErrorEnum.wbemErrInvalidSyntax, 22 },
        { "class A { char16 C = ''; };", WbemErrorEnum.wbemErrInvalidSyntax, 22 },
        { "class A { uint32 X = 09; };", WbemErrorEnum.wbemErrInvalidSyntax, 22 },
        { "class A { uint32 X = 12b3; };", WbemErrorEnum.wbemErrInvalidSyntax, 22 },
        { "class A { uint32 X = 0x; };", WbemErrorEnum.wbemErrInvalidSyntax, 22 },
        { "class A { uint32 X = 1.; };", WbemErrorEnum.wbemErrInvalidSyntax, 22 },
        { "class A { uint64 X = 18446744073709551616; };", WbemErrorEnum.wbemErrValueOutOfRange, 22 },
        { "class A @ { };", WbemErrorEnum.wbemErrInvalidSyntax, 9 },
        { "instance of P as $ { };", WbemErrorEnum.wbemErrInvalidSyntax, 18 },
        // Syntax
        { "class A { uint32 X }", WbemErrorEnum.wbemErrInvalidSyntax, 20 },
        { "class A { uint32 X; }", WbemErrorEnum.wbemErrInvalidSyntax, 22 },
        { "class { };", WbemErrorEnum.wbemErrInvalidSyntax, 7 },
        { "class A : { };", WbemErrorEnum.wbemErrInvalidSyntax, 11 },
        { "klass A { };", WbemErrorEnum.wbemErrInvalidSyntax, 1 },
        { "[Description(\"x\")] qualifier Q : boolean, scope(any);", WbemErrorEnum.wbemErrInvalidSyntax, 20 },
        { "[Description(\"x\" class A { };", WbemErrorEnum.wbemErrInvalidSyntax, 18 },
        { "class A { uint32 X = {1, {2}}; };", WbemErrorEnum.wbemErrInvalidSyntax, 26 },
        { "class A { uint32 X[0]; };", WbemErrorEnum.wbemErrInvalidSyntax, 20 },
        { "class A { void X; };", WbemErrorEnum.wbemErrInvalidPropertyType, 11 },
        { "class A { uint32 M(uint32 a = 1); };", WbemErrorEnum.wbemErrInvalidMethodParameters, 29 },
        { "class A { uint32 REF X; };", WbemErrorEnum.wbemErrInvalidPropertyType, 11 },
        { "instance of P { Name = \"x\" };", WbemErrorEnum.wbemErrInvalidSyntax, 28 },
        { "instance of P { Name = \"x\"; }", WbemErrorEnum.wbemErrInvalidSyntax, 30 },
        { "instance P { };", WbemErrorEnum.wbemErrInvalidSyntax, 10 },
        { "instance of P { R = instance of P as $X { Name = \"y\"; }; };", WbemErrorEnum.wbemErrInvalidSyntax, 38 },
        { "qualifier Q : boolean;", WbemErrorEnum.wbemErrInvalidSyntax, 22 },
        { "qualifier Q : boolean, scope(everywhere);", WbemErrorEnum.wbemErrInvalidSyntax, 30 },
        { "qualifier Q : widget, scope(any);", WbemErrorEnum.wbemErrInvalidQualifierType, 15 },
        // Pragmas
        { "#pragma namespace(\"not a namespace\")", WbemErrorEnum.wbemErrInvalidNamespace, 1 },
        { "#pragma namespace(\"\\\\\\\\server\")", WbemErrorEnum.wbemErrInvalidNamespace, 1 },
        { "#pragma deleteclass(\"A\", MAYBE)", WbemErrorEnum.wbemErrInvalidParameter, 26 },
        { "#pragma deleteinstance(\"not a path\", FAIL)", WbemErrorEnum.wbemErrInvalidObjectPath, 24 },
        { "#pragma locale(1, 2)", WbemErrorEnum.wbemErrInvalidSyntax, 1 },
        { "#pragma wibble", WbemErrorEnum.wbemErrInvalidSyntax, 9 },
        // Classes
        { "class A : Missing { };", WbemErrorEnum.wbemErrInvalidSuperclass, 11 },
        { "class P { };", WbemErrorEnum.wbemErrAlreadyExists, 7 },
        { "class A { uint32 X; string X; };", WbemErrorEnum.wbemErrInvalidProperty, 28 },
        { "class A { uint32 X(); uint32 X(); };", WbemErrorEnum.wbemErrInvalidMethod, 30 },
        { "class A { uint32 X(uint32 a, string a); };", WbemErrorEnum.wbemErrInvalidDuplicateParameter, 18 },
        { "class A { Missing REF X; };", WbemErrorEnum.wbemErrInvalidClass, 11 },
        { "class A { Missing X; };", WbemErrorEnum.wbemErrInvalidClass, 11 },
        { "class A : P { uint32 Name; };", WbemErrorEnum.wbemErrUpdateTypeMismatch, 22 },
        { "class A : P { [Key(false)] string Name; };", WbemErrorEnum.wbemErrOverrideNotAllowed, 16 },
        { "class A : P { [Key] string Extra; };", WbemErrorEnum.wbemErrCannotChangeKeyInheritance, 7 },
        { "class A { [Key] real32 K; };", WbemErrorEnum.wbemErrCannotBeKey, 7 },
        { "class A : P { [Override(\"Other\")] uint32 N; };", WbemErrorEnum.wbemErrInvalidQualifier, 42 },
        { "class A { [Override(\"N\")] uint32 N; };", WbemErrorEnum.wbemErrInvalidQualifier, 34 },
        // Qualifiers
        { "[Nonsense] class A { };", WbemErrorEnum.wbemErrInvalidQualifier, 2 },
        { "class A { [Key(\"x\")] string K; };", WbemErrorEnum.wbemErrInvalidQualifierType, 16 },
        { "class A { [MaxLen(-1)] string K; };", WbemErrorEnum.wbemErrValueOutOfRange, 19 },
        { "class A { [MaxLen{1, 2}] string K; };", WbemErrorEnum.wbemErrInvalidQualifierType, 18 },
        { "[Key] class A { };", WbemErrorEnum.wbemErrInvalidQualifier, 2 },
        { "class A { [In] uint32 X; };", WbemErrorEnum.wbemErrInvalidQualifier, 12 },
        { "class A { [Association] uint32 X; };", WbemErrorEnum.wbemErrInvalidQualifier, 12 },
        { "[Description(\"a\"), Description(\"b\")] class A { };", WbemErrorEnum.wbemErrInvalidQualifier, 20 },
        { "class A { [Key : Restricted ToSubclass] string K; };", WbemErrorEnum.wbemErrInvalidFlavor, 29 },
        { "class A { [Key : Sometimes] string K; };", WbemErrorEnum.wbemErrInvalidFlavor, 18 },
        { "class A { [EmbeddedObject] uint32 X; };", WbemErrorEnum.wbemErrInvalidQualifier, 28 },
        { "class A { [CIMTYPE(\"uint8\")] uint32 X; };", WbemErrorEnum.wbemErrInvalidQualifier, 30 },
        // Values
        { "class A { uint32 X = \"five\"; };", WbemErrorEnum.wbemErrTypeMismatch, 22 },
        { "class A { uint8 X = 256; };", WbemErrorEnum.wbemErrValueOutOfRange, 21 },
        { "class A { sint8 X = -129; };", WbemErrorEnum.wbemErrValueOutOfRange, 21 },
        { "class A { boolean X = 1; };", WbemErrorEnum.wbemErrTypeMismatch, 23 },
        { "class A { uint32 X = 1.5; };", WbemErrorEnum.wbemErrTypeMismatch, 22 },
        { "class A { real32 X = 1e300; };", WbemErrorEnum.wbemErrValueOutOfRange, 22 },
        { "class A { string X = 'c'; };", WbemErrorEnum.wbemErrTypeMismatch, 22 },
        { "class A { datetime X = \"yesterday\"; };", WbemErrorEnum.wbemErrTypeMismatch, 24 },
        { "class A { uint32 X[] = 5; };", WbemErrorEnum.wbemErrTypeMismatch, 24 },
        { "class A { uint32 X = {5}; };", WbemErrorEnum.wbemErrTypeMismatch, 22 },
        { "class A { uint32 X[] = {1, NULL}; };", WbemErrorEnum.wbemErrTypeMismatch, 28 },
        { "class A { P ref X = \"::::\"; };", WbemErrorEnum.wbemErrInvalidObjectPath, 21 },
        { "class A { P ref X = $Y; };", WbemErrorEnum.wbemErrInvalidSyntax, 21 },
        // Instances
        { "instance of Missing { };", WbemErrorEnum.wbemErrInvalidClass, 13 },
        { "[Abstract] class A { }; instance of A { };", WbemErrorEnum.wbemErrInvalidOperation, 37 },
        { "instance of P { Nope = 1; };", WbemErrorEnum.wbemErrNotFound, 17 },
        { "instance of P { N = 1; N = 2; };", WbemErrorEnum.wbemErrInvalidProperty, 24 },
        { "instance of P { N = TRUE; };", WbemErrorEnum.wbemErrTypeMismatch, 21 },
        { "instance of P { B = $X; };", WbemErrorEnum.wbemErrTypeMismatch, 21 },
        { "instance of P { R = $Undefined; };", WbemErrorEnum.wbemErrNotFound, 21 },
        { "instance of P as $A { Name = \"a\"; }; instance of P as $A { Name = \"b\"; };", WbemErrorEnum.wbemErrAlreadyExists, 55 },
        { "instance of P as $A { N = 1; }; instance of P { R = $A; };", WbemErrorEnum.wbemErrInvalidObjectPath, 53 },
        { "class Q { [Key] string K; }; instance of Q as $A { K = \"a\"; }; instance of P { R = $A; };", WbemErrorEnum.wbemErrTypeMismatch, 84 },
        { "class E { P Part; }; instance of E { Part = instance of E { }; };", WbemErrorEnum.wbemErrTypeMismatch, 45 },
        { "instance of P { R = {$A}; };", WbemErrorEnum.wbemErrTypeMismatch, 21 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Compile_BadMof_ThrowsWithPosition(string mof, WbemErrorEnum code, int column)
    {
        var ex = Assert.Throws<WbemException>(() => new MofCompiler().Compile(Prelude + mof, "bad.mof"));
        Assert.Equal((code, 2, column), (ex.ErrorCode, ex.Line, ex.Column));
        Assert.EndsWith("bad.mof", ex.File, StringComparison.Ordinal);
        Assert.Equal((int)code, ex.HResult);
        Assert.Contains("bad.mof(2,", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cases_AreAtLeastThirty() => Assert.True(Cases.Count >= 30);

    [Fact]
    public void Compile_ErrorAfterGoodDefinitions_ReturnsNothing()
    {
        // All or nothing: the exception is the only outcome; no partial result object exists to leak.
        var compiler = new MofCompiler();
        Assert.Throws<WbemException>(() => compiler.Compile("class A { }; class B { }; class C : Nope { };"));
        Assert.Equal(2, compiler.Compile("class A { }; class B { };").Classes.Count);
    }

    [Fact]
    public void Compile_DeepEmbedding_IsGuarded()
    {
        var depth = 5000;
        var mof = "class E { object Inner; };\ninstance of E { Inner = " + string.Concat(Enumerable.Repeat("instance of E { Inner = ", depth)) +
            "NULL;" + string.Concat(Enumerable.Repeat(" };", depth)) + " };";
        var ex = Assert.Throws<WbemException>(() => new MofCompiler().Compile(mof));
        Assert.Equal(WbemErrorEnum.wbemErrInvalidSyntax, ex.ErrorCode);
        Assert.Contains("nested", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_HugeNestingLimit_StillCannotOverflowTheStack()
    {
        var depth = 200_000;
        var mof = "class E { object Inner; };\ninstance of E { Inner = " + string.Concat(Enumerable.Repeat("instance of E { Inner = ", depth)) +
            "NULL;" + string.Concat(Enumerable.Repeat(" };", depth)) + " };";
        var compiler = new MofCompiler(MofCompilerOptions.Default with { MaxNestingDepth = int.MaxValue });
        Assert.Equal(WbemErrorEnum.wbemErrInvalidSyntax, Assert.Throws<WbemException>(() => compiler.Compile(mof)).ErrorCode);
    }

    [Fact]
    public void Compile_NestingWithinLimit_Compiles()
    {
        var mof = "class E { object Inner; };\ninstance of E { Inner = " + string.Concat(Enumerable.Repeat("instance of E { Inner = ", 20)) +
            "NULL;" + string.Concat(Enumerable.Repeat(" };", 20)) + " };";
        Assert.Single(new MofCompiler().Compile(mof).Instances);
    }
}

using Wmix.Cim;

namespace Wmix.Cim.Tests;

public sealed class WbemExceptionTests
{
    [Fact]
    public void HResult_IsTheErrorCode()
    {
        var e = new WbemException(WbemErrorEnum.wbemErrCallCancelled, "cancelled");
        Assert.Equal(unchecked((int)0x80041032), e.HResult);
        Assert.Equal(-2147217358, e.HResult);
        Assert.True(WbemException.Is(2147749938, WbemErrorEnum.wbemErrCallCancelled));
        Assert.True(WbemException.Is(-2147217358, WbemErrorEnum.wbemErrCallCancelled));
    }

    [Theory]
    [InlineData(WbemErrorEnum.wbemErrFailed, 0x80041001)]
    [InlineData(WbemErrorEnum.wbemErrAccessDenied, 0x80041003)]
    [InlineData(WbemErrorEnum.wbemErrOutOfMemory, 0x80041006)]
    [InlineData(WbemErrorEnum.wbemErrTransportFailure, 0x80041015)]
    [InlineData(WbemErrorEnum.wbemErrInvalidQuery, 0x80041017)]
    [InlineData(WbemErrorEnum.wbemErrQuotaViolation, 0x8004106C)]
    [InlineData(WbemErrorEnum.wbemErrCannotChangeIndexInheritance, 0x80041050)]
    [InlineData(WbemErrorEnum.wbemErrRegistrationTooPrecise, 0x80042002)]
    [InlineData(WbemErrorEnum.wbemErrTimedout, 0x80043001)]
    [InlineData(WbemErrorEnum.wbemErrResetToDefault, 0x80043002)]
    public void Enum_HasDocumentedValue(WbemErrorEnum code, uint expected) =>
        Assert.Equal(expected, unchecked((uint)code));

    [Fact]
    public void Message_NamesPosition()
    {
        var e = new WbemException(WbemErrorEnum.wbemErrInvalidQuery, "expected FROM", 1, 12);
        Assert.Equal("line 1, column 12: expected FROM", e.Message);
        Assert.Equal("wbemErrInvalidQuery", e.ErrorName);
    }
}

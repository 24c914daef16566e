namespace Wmix.Cli;

internal static class Program
{
    private static Task<int> Main(string[] args) =>
        CliApp.RunAsync(args, Console.Out, Console.Error, !Console.IsOutputRedirected, !Console.IsErrorRedirected);
}

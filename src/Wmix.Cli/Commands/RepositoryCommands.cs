using System.CommandLine;
using Wmix.Cim;
using Wmix.Engine;
using Wmix.Engine.Repository;

namespace Wmix.Cli.Commands;

/// <summary>
/// <c>mofcomp</c> and <c>repository check|backup|restore</c>: the durable SQLite repository (the counterparts of
/// <c>mofcomp.exe</c> and <c>winmgmt /verifyrepository</c>, <c>/backup</c> and <c>/restore</c>).
/// </summary>
internal static class RepositoryCommands
{
    private static Option<string?> RepositoryOption() => new("--repository", "-r")
    {
        Description = "The repository directory (default: $WMIX_REPOSITORY, else $XDG_DATA_HOME/wmix)",
        HelpName = "directory",
    };

    public static Command Mofcomp(GlobalOptions options)
    {
        var file = new Argument<string>("file") { Description = "The MOF file to compile" };
        var ns = new Option<string?>("-N") { Description = @"The default namespace of the file (default: root\default, as mofcomp)", HelpName = "namespace" };
        var check = new Option<bool>("--check") { Description = "Compile and apply, then roll back: report errors without changing the repository" };
        var repository = RepositoryOption();
        var command = new Command("mofcomp", "Compile a MOF file into the repository, all or nothing") { file, ns, check, repository };
        command.SetAction(r =>
        {
            var context = options.ContextFor(r);
            return CommandRunner.Guard(context, () => RunMofcomp(context, r.GetValue(file)!, r.GetValue(ns), r.GetValue(check), r.GetValue(repository)));
        });
        return command;
    }

    public static Command Repository(GlobalOptions options)
    {
        var repository = RepositoryOption();
        repository.Recursive = true;

        var check = new Command("check", "Verify the repository's consistency (exit status 1 when it has problems)");
        check.SetAction(r =>
        {
            var context = options.ContextFor(r);
            return CommandRunner.Guard(context, () =>
            {
                using var store = WmixHost.OpenRepository(r.GetValue(repository));
                var report = store.Check();
                context.Output.WriteLine(report.ToString());
                if (report.IsConsistent)
                {
                    return ExitCodes.Success;
                }
                context.Error.WriteLine(CliContext.FormatError(WbemErrorEnum.wbemErrCriticalError, $"{store.DatabasePath}: {report.Problems.Count} problem(s) found."));
                return ExitCodes.WbemError;
            });
        });

        var backupFile = new Argument<string>("file") { Description = "The backup file to write" };
        var backup = new Command("backup", "Write a consistent copy of the repository to a file") { backupFile };
        backup.SetAction(r =>
        {
            var context = options.ContextFor(r);
            return CommandRunner.Guard(context, () =>
            {
                using var store = WmixHost.OpenRepository(r.GetValue(repository));
                store.Backup(r.GetValue(backupFile)!);
                context.Note($"backed up {store.DatabasePath} to {Path.GetFullPath(r.GetValue(backupFile)!)}");
                return ExitCodes.Success;
            });
        });

        var restoreFile = new Argument<string>("file") { Description = "The backup file to restore from" };
        var restore = new Command("restore", "Replace the repository's content with a backup (checked first; nothing changes if it is damaged)") { restoreFile };
        restore.SetAction(r =>
        {
            var context = options.ContextFor(r);
            return CommandRunner.Guard(context, () =>
            {
                using var store = WmixHost.OpenRepository(r.GetValue(repository));
                store.Restore(r.GetValue(restoreFile)!);
                context.Note($"restored {store.DatabasePath} from {Path.GetFullPath(r.GetValue(restoreFile)!)}");
                return ExitCodes.Success;
            });
        });

        return new Command("repository", "Check, back up or restore the durable repository") { repository, check, backup, restore };
    }

    private static int RunMofcomp(CliContext context, string file, string? defaultNamespace, bool checkOnly, string? directory)
    {
        if (!File.Exists(file))
        {
            throw new UsageException($"'{file}' does not exist.");
        }
        using var host = WmixHost.OpenDurable(directory);
        var store = host.Repository!;
        var manager = host.Manager;
        var compiler = new MofCompiler(new MofCompilerOptions
        {
            DefaultNamespace = string.IsNullOrEmpty(defaultNamespace) ? MofCompilerOptions.Default.DefaultNamespace : defaultNamespace.Replace('/', '\\'),
            // Classes the file does not define come from the repository (a MOF may derive from stored classes).
            ClassResolver = (ns, name) => store.NamespaceExists(ns) ? store.GetClass(ns, name) : null,
        });
        // Syntax and semantic errors stop here, before anything is written.
        var result = compiler.CompileFile(file);

        // All or nothing: every write of this file goes into one repository transaction; an error disposes it
        // uncommitted, which rolls every earlier write of the file back.
        var counts = new int[3];
        using (var transaction = store.BeginTransaction())
        {
            foreach (var ns in result.Namespaces)
            {
                EnsureNamespace(manager, store, ns);
            }
            foreach (var definition in result.Definitions)
            {
                try
                {
                    Apply(manager, definition, counts);
                }
                catch (WbemException e)
                {
                    var where = definition.Location;
                    throw new WbemException(e.ErrorCode, $"{e.Message} (nothing was stored from this file)", where.Line, where.Column, where.File ?? file);
                }
            }
            if (checkOnly)
            {
                context.Note($"{file}: {counts[0]} classes, {counts[1]} instances, {counts[2]} deletions would be stored; nothing was changed (--check)");
                return ExitCodes.Success;
            }
            transaction.Commit();
        }
        context.Note($"{file}: stored {counts[0]} classes, {counts[1]} instances, {counts[2]} deletions in {store.DatabasePath}");
        return ExitCodes.Success;
    }

    private static void Apply(ObjectManager manager, MofDefinition definition, int[] counts)
    {
        switch (definition)
        {
            case MofClassDefinition c:
                Run(manager, c.Namespace, (conn, sink) => conn.Put(c.Class, ClassOptions(c.Flags), sink));
                counts[0]++;
                break;
            case MofInstanceDefinition i:
                if ((i.Flags & MofInstanceFlags.CreateOnly) != 0 && Exists(manager, i.Namespace, i.Instance))
                {
                    // #pragma instanceflags("createonly"): an existing instance stays as it is.
                    break;
                }
                Run(manager, i.Namespace, (conn, sink) => conn.Put(i.Instance, InstanceOptions(i.Flags), sink));
                counts[1]++;
                break;
            case MofDeleteClassAction d:
                RunDelete(manager, d.Namespace, d.ClassName, d.FailIfMissing);
                counts[2]++;
                break;
            case MofDeleteInstanceAction d:
                RunDelete(manager, d.Namespace, d.Path.ToString(), d.FailIfMissing);
                counts[2]++;
                break;
            default:
                // Qualifier type declarations only serve the compilation; the engine keeps no qualifier store.
                break;
        }
    }

    private static CallOptions ClassOptions(MofClassFlags flags) => CallOptions.Default with
    {
        PutMode = (flags & MofClassFlags.CreateOnly) != 0 ? PutMode.CreateOnly
            : (flags & MofClassFlags.UpdateOnly) != 0 ? PutMode.UpdateOnly : PutMode.CreateOrUpdate,
        ClassUpdateMode = (flags & MofClassFlags.ForceUpdate) != 0 ? ClassUpdateMode.ForceMode
            : (flags & MofClassFlags.SafeUpdate) != 0 ? ClassUpdateMode.SafeMode : ClassUpdateMode.Compatible,
    };

    private static CallOptions InstanceOptions(MofInstanceFlags flags) => CallOptions.Default with
    {
        PutMode = (flags & MofInstanceFlags.UpdateOnly) != 0 ? PutMode.UpdateOnly : PutMode.CreateOrUpdate,
    };

    private static bool Exists(ObjectManager manager, string ns, CimInstance instance)
    {
        if (instance.Path is not { } path)
        {
            return false;
        }
        try
        {
            Run(manager, ns, (conn, sink) => conn.GetObject(path.ToString(), CallOptions.Default, sink));
            return true;
        }
        catch (WbemException e) when (e.ErrorCode == WbemErrorEnum.wbemErrNotFound)
        {
            return false;
        }
    }

    private static void RunDelete(ObjectManager manager, string ns, string path, bool failIfMissing)
    {
        try
        {
            Run(manager, ns, (conn, sink) => conn.Delete(path, CallOptions.Default, sink));
        }
        catch (WbemException e) when (!failIfMissing && e.ErrorCode is WbemErrorEnum.wbemErrNotFound or WbemErrorEnum.wbemErrInvalidClass)
        {
            // #pragma deleteclass(…, NOFAIL) / deleteinstance(…, NOFAIL): a missing target is fine.
        }
    }

    /// <summary>Creates <paramref name="ns"/> and its missing parents by putting <c>__NAMESPACE</c> instances, as WMI does.</summary>
    private static void EnsureNamespace(ObjectManager manager, ICimRepository store, string ns)
    {
        if (store.NamespaceExists(ns))
        {
            return;
        }
        var cut = ns.LastIndexOf('\\');
        if (cut <= 0)
        {
            throw new WbemException(WbemErrorEnum.wbemErrInvalidNamespace, $"The namespace '{ns}' cannot be created: it has no parent.");
        }
        var parent = ns[..cut];
        EnsureNamespace(manager, store, parent);
        var cls = store.GetClass(parent, "__NAMESPACE")
            ?? throw new WbemException(WbemErrorEnum.wbemErrInvalidNamespace, $"The namespace '{parent}' has no __NAMESPACE class.");
        var instance = cls.SpawnInstance();
        instance.SetValue("Name", ns[(cut + 1)..]);
        Run(manager, parent, (conn, sink) => conn.Put(instance, CallOptions.Default, sink));
    }

    /// <summary>Runs one operation to its end; a failure throws its <see cref="WbemException"/>.</summary>
    private static void Run(ObjectManager manager, string ns, Func<ICimConnection, IOperationSink, CimOperation> start)
    {
        using var connection = manager.Connect(ns);
        var sink = new ChannelOperationSink();
        start(connection, sink);
        while (sink.TryTake(out _))
        {
            // Drain: puts and deletes deliver nothing, a Get delivers the object; the end status is what counts.
        }
    }
}

using System.Net;
using System.Runtime.CompilerServices;
using Wmix.Cim;
using Wmix.Engine;
using Wmix.Engine.Events;
using Wmix.Engine.Providers;
using Wmix.Providers.Linux;
using Wmix.Remote.Server;
using Wmix.Remote.Server.Security;

namespace Wmix.Remote.EndToEnd.Tests;

/// <summary>
/// The real Wmix WS-Management server on 127.0.0.1 (free port, plain HTTP as loopback allows) over an in-memory
/// engine with the Linux providers, <see cref="E2EItems"/> and <see cref="E2ETicks"/>; user alice may do anything in every namespace,
/// user bob may only read and subscribe in root\cimv2.
/// </summary>
internal sealed class RealServer : IAsyncDisposable
{
    public const string User = "alice";
    public const string Password = "alice-Pw1";
    public const string ReaderUser = "bob";
    public const string ReaderPassword = "bob-Pw1";

    private readonly string _dir;

    private RealServer(string dir, ObjectManager manager, WsmanServer server, AuditLog audit, E2EItems items, E2ETicks ticks)
    {
        _dir = dir;
        Manager = manager;
        Server = server;
        Audit = audit;
        Items = items;
        Ticks = ticks;
    }

    public ObjectManager Manager { get; }

    public WsmanServer Server { get; }

    public AuditLog Audit { get; }

    public E2EItems Items { get; }

    public E2ETicks Ticks { get; }

    /// <summary>The name to give ConnectServer: <c>http://127.0.0.1:port</c> (<c>https://</c> when started with a certificate).</summary>
    public string Address => Server.BoundAddresses[0].Scheme + "://127.0.0.1:" + Port;

    /// <summary>The port the server listens on.</summary>
    public int Port => Server.BoundAddresses[0].Port;

    public static async Task<RealServer> StartAsync(Func<WsmanServerOptions, WsmanServerOptions>? configure = null)
    {
        var dir = Directory.CreateTempSubdirectory("wmix-e2e-").FullName;
        var users = new UsersFile(Path.Combine(dir, "users"), UsersFile.MinIterations);
        users.SetPassword(User, Password);
        users.SetPassword(ReaderUser, ReaderPassword);
        var manager = new ObjectManager();
        LinuxProviders.Register(manager);
        var items = new E2EItems();
        manager.RegisterProvider(items);
        var connection = manager.Connect(@"root\cimv2");
        var sink = new ChannelOperationSink();
        connection.GetObject("__ExtrinsicEvent", CallOptions.Default, sink);
        sink.TryTake(out var extrinsic);
        var ticks = new E2ETicks((CimClass)extrinsic!);
        manager.RegisterProvider(ticks);
        var audit = AuditLog.Open(Path.Combine(dir, "audit.jsonl"));
        var options = WsmanServerOptions.Default with
        {
            EndPoints = [new ListenEndPoint(new IPEndPoint(IPAddress.Loopback, 0), Https: false)],
            AllowHttp = true,
            SweepInterval = TimeSpan.FromMilliseconds(100),
        };
        options = configure?.Invoke(options) ?? options;
        var server = new WsmanServer(options, manager.Connect, [users],
            AccessRules.Parse("""
                { "rules": [ { "namespace": "root", "user": "alice", "allow": ["all"] },
                             { "namespace": "root/cimv2", "user": "bob", "allow": ["read", "subscribe"] } ] }
                """), audit,
            new UnixAccounts(Path.Combine(dir, "passwd"), Path.Combine(dir, "group")));
        await server.StartAsync();
        return new RealServer(dir, manager, server, audit, items, ticks);
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        Audit.Dispose();
        Manager.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}

/// <summary><c>E2E_Item</c> (key uint32 Id, Name): <see cref="Count"/> instances, each after <see cref="Delay"/>; Put and Delete recorded.</summary>
internal sealed class E2EItems : CimProvider
{
    private int _active;

    public E2EItems()
    {
        var cls = new CimClass("E2E_Item");
        cls.AddProperty("Id", CimType.UInt32, isKey: true);
        cls.AddProperty("Name", CimType.String);
        cls.AddProperty("Tags", CimType.String, isArray: true);
        cls.AddProperty("Seen", CimType.DateTime);
        Classes = [new ProviderClassRegistration(@"root\cimv2", cls, ProviderCapabilities.All)];
    }

    public override string Name => "E2EItems";

    public override IReadOnlyList<ProviderClassRegistration> Classes { get; }

    public int Count { get; set; } = 50;

    public TimeSpan Delay { get; set; }

    public Dictionary<uint, string?> Stored { get; } = [];

    public List<uint> Deleted { get; } = [];

    public int Active => Volatile.Read(ref _active);

    public override async IAsyncEnumerable<CimInstance> EnumerateInstancesAsync(ProviderContext context, CimClass cls,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _active);
        try
        {
            for (var i = 0u; i < Count; i++)
            {
                if (Delay > TimeSpan.Zero)
                {
                    await Task.Delay(Delay, cancellationToken);
                }
                cancellationToken.ThrowIfCancellationRequested();
                yield return Make(cls, i);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _active);
        }
    }

    public override ValueTask<CimInstance?> GetInstanceAsync(ProviderContext context, CimClass cls, CimObjectPath path, CancellationToken cancellationToken)
    {
        var id = Convert.ToUInt32(path.Keys[0].Value, System.Globalization.CultureInfo.InvariantCulture);
        return new(id < Count ? Make(cls, id) : null);
    }

    private static CimInstance Make(CimClass cls, uint id)
    {
        var instance = cls.SpawnInstance();
        instance["Id"] = id;
        instance["Name"] = "item" + id;
        instance["Tags"] = new[] { "a" + id, "b" };
        instance["Seen"] = "20261124081502.500000+060";
        return instance;
    }

    public override ValueTask<CimObjectPath> PutInstanceAsync(ProviderContext context, CimInstance instance, PutMode mode, CancellationToken cancellationToken)
    {
        lock (Stored)
        {
            Stored[(uint)instance["Id"]!] = (string?)instance["Name"];
        }
        return new(instance.RelativeObjectPath!);
    }

    public override ValueTask DeleteInstanceAsync(ProviderContext context, CimClass cls, CimObjectPath path, CancellationToken cancellationToken)
    {
        var id = Convert.ToUInt32(path.Keys[0].Value, System.Globalization.CultureInfo.InvariantCulture);
        if (id >= Count)
        {
            throw new WbemException(WbemErrorEnum.wbemErrNotFound, $"No item {id}.");
        }
        lock (Deleted)
        {
            Deleted.Add(id);
        }
        return ValueTask.CompletedTask;
    }
}

/// <summary>Extrinsic events <c>E2E_Tick</c> (uint32 Sequence).</summary>
internal sealed class E2ETicks : CimProvider
{
    private readonly Lock _gate = new();
    private ICimEventSink? _sink;
    private EventSubscriptionContext? _context;

    public E2ETicks(CimClass extrinsicBase)
    {
        var tick = new CimClass("E2E_Tick", extrinsicBase);
        tick.AddProperty("Sequence", CimType.UInt32);
        Classes = [new ProviderClassRegistration(@"root\cimv2", tick, ProviderCapabilities.None)];
    }

    public override string Name => "E2ETicks";

    public override IReadOnlyList<ProviderClassRegistration> Classes { get; }

    public override IReadOnlyList<EventRegistration> EventClasses { get; } = [EventRegistration.Extrinsic(@"root\cimv2", "E2E_Tick")];

    public bool IsOpen
    {
        get
        {
            lock (_gate)
            {
                return _sink is not null;
            }
        }
    }

    public override IDisposable SubscribeEvents(EventSubscriptionContext context, ICimEventSink sink)
    {
        lock (_gate)
        {
            _sink = sink;
            _context = context;
        }
        return new Handle(this);
    }

    public bool Raise(uint sequence)
    {
        ICimEventSink? sink;
        EventSubscriptionContext? context;
        lock (_gate)
        {
            sink = _sink;
            context = _context;
        }
        if (sink is null || context is null)
        {
            return false;
        }
        var evt = context.CreateEvent("E2E_Tick");
        evt["Sequence"] = sequence;
        sink.Raise(evt);
        return true;
    }

    private sealed class Handle(E2ETicks owner) : IDisposable
    {
        public void Dispose()
        {
            lock (owner._gate)
            {
                owner._sink = null;
                owner._context = null;
            }
        }
    }
}

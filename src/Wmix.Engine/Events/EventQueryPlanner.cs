using Wmix.Cim;
using Wmix.Engine.Providers;
using Wmix.Wql;

namespace Wmix.Engine.Events;

/// <summary>
/// Parses and validates an event query against the namespace's schema and providers, and decides how each part of it
/// is served: repository changes (immediate), provider feeds, or polls.
/// </summary>
/// <remarks>
/// <para>Everything here is an up-front failure (thrown by ExecNotificationQuery, no sink event), which is how WMI
/// reports these codes from IWbemServices::ExecNotificationQueryAsync:</para>
/// <list type="bullet">
/// <item>query language not WQL: wbemErrInvalidQueryType; bad syntax: wbemErrInvalidQuery (from the parser, with the
/// column); BY or HAVING without GROUP WITHIN: wbemErrMissingGroupWithin; an empty BY list: wbemErrMissingAggregationList;</item>
/// <item>FROM class unknown: wbemErrInvalidClass; FROM class not derived from <c>__Event</c>: wbemErrNotEventClass;</item>
/// <item>dot notation through a property that is not an embedded object: wbemErrPropertyNotAnObject; GROUP BY an
/// embedded object itself: wbemErrAggregatingByObject; an operator the property's type lacks: wbemErrInvalidOperator;
/// an unknown property of the event class or a constant that does not fit: wbemErrInvalidQuery (the shared
/// <see cref="WqlQueryAnalysis.ValidateEventQuery"/>). Inside an embedded object whose class the query names
/// (<c>TargetInstance ISA "C"</c> as the only bound, or a typed embedded property) dots through scalars are refused
/// too;</item>
/// <item>an intrinsic query whose <c>TargetInstance ISA</c> class (or one of its subclasses) is served by a provider that
/// raises no intrinsic events, without WITHIN: wbemErrRegistrationTooPrecise.</item>
/// </list>
/// <para>Lenient on purpose: unknown properties inside embedded objects (<c>TargetInstance.NoSuchProp</c>) and unknown
/// ISA classes are accepted and simply never match, as WMI does for data queries; WITHIN on repository classes is accepted and ignored (their
/// events are immediate); an intrinsic query without an ISA bound does not poll (it gets repository events and the
/// feeds of providers with intrinsic events) rather than failing as too broad. The SELECT list is checked but not
/// applied: subscribers receive whole event objects.</para>
/// </remarks>
internal static class EventQueryPlanner
{
    /// <summary>The shortest polling interval; a smaller WITHIN is raised to it.</summary>
    public static readonly TimeSpan MinimumPollInterval = TimeSpan.FromMilliseconds(100);

    private static readonly string[] s_polledEventClasses =
        ["__InstanceCreationEvent", "__InstanceDeletionEvent", "__InstanceModificationEvent"];

    public static EventQueryPlan Plan(IEventHost host, string @namespace, string query, string queryLanguage)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(queryLanguage);
        if (!string.Equals(queryLanguage, "WQL", StringComparison.OrdinalIgnoreCase))
        {
            throw new WbemException(WbemErrorEnum.wbemErrInvalidQueryType,
                $"Query language '{queryLanguage}' is not supported; event queries must be \"WQL\".");
        }
        var parsed = (WqlEventQuery)WqlParser.Parse(query, WqlQueryKind.Event);
        var eventClass = host.GetClass(@namespace, parsed.EventClassName)
            ?? throw new WbemException(WbemErrorEnum.wbemErrInvalidClass,
                $"Event class '{parsed.EventClassName}' does not exist in namespace '{@namespace}'.");
        if (!eventClass.IsSubclassOfOrSelf(EventObjects.EventClass))
        {
            throw new WbemException(WbemErrorEnum.wbemErrNotEventClass,
                $"'{eventClass.Name}' is not an event class (it does not derive from __Event); use ExecQuery for data queries, "
                + $"or subscribe to __InstanceOperationEvent WHERE TargetInstance ISA \"{eventClass.Name}\".");
        }
        if (parsed.Within is { } within && within <= TimeSpan.Zero)
        {
            throw new WbemException(WbemErrorEnum.wbemErrInvalidQuery, "WITHIN needs a positive interval.");
        }

        // Top-level names, types and operators, with the event-query codes; then dotted paths into embedded objects
        // whose class the query itself reveals (TargetInstance ISA "C", typed embedded properties).
        WqlQueryAnalysis.ValidateEventQuery(parsed, eventClass);
        var (boundProperty, bounds) = FindTargetBounds(eventClass, parsed.Where);
        var checker = new PathChecker(host, @namespace, eventClass, boundProperty, bounds);
        CheckPaths(checker, parsed);

        var polled = new List<string>();
        var feeds = new List<CimProvider>();
        var own = new List<(CimProvider, CimClass)>();
        PlanInstanceSources(host, @namespace, parsed, eventClass,
            CimNames.AreEqual(boundProperty, EventObjects.TargetInstance) ? bounds : null, polled, feeds, own);
        PlanExtrinsicSources(host, @namespace, eventClass, feeds);

        CimClass? aggregate = null;
        if (parsed.GroupWithin is not null)
        {
            aggregate = host.GetClass(@namespace, EventObjects.AggregateEvent)
                ?? throw new WbemException(WbemErrorEnum.wbemErrInvalidClass, $"Namespace '{@namespace}' has no __AggregateEvent class.");
        }

        var interval = parsed.Within ?? TimeSpan.Zero;
        return new EventQueryPlan
        {
            Namespace = @namespace,
            Query = parsed,
            EventClass = eventClass,
            Predicate = EventPredicate.Compile(parsed.Where, eventClass),
            TargetBounds = bounds,
            PollInterval = interval < MinimumPollInterval ? MinimumPollInterval : interval,
            PolledClasses = polled,
            Feeds = feeds,
            ProviderSubscriptions = own,
            AggregateClass = aggregate,
        };
    }

    /// <summary>True when events of class <paramref name="a"/> and those of <paramref name="b"/> can be the same event.</summary>
    private static bool Overlaps(CimClass a, string b, IEventHost host, string @namespace) =>
        a.IsSubclassOfOrSelf(b) || (host.GetClass(@namespace, b) is { } cb && cb.IsSubclassOfOrSelf(a.Name));

    private static void PlanInstanceSources(IEventHost host, string @namespace, WqlEventQuery query, CimClass eventClass,
        IReadOnlyList<string>? bounds, List<string> polled, List<CimProvider> feeds, List<(CimProvider, CimClass)> own)
    {
        if (!Overlaps(eventClass, EventObjects.InstanceOperationEvent, host, @namespace))
        {
            return;
        }
        // Polls produce creation, deletion and modification events only (not __MethodInvocationEvent).
        var pollable = Array.Exists(s_polledEventClasses, c => Overlaps(eventClass, c, host, @namespace));
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        IEnumerable<CimClass> candidates = bounds is null
            ? host.GetSubclasses(@namespace, "", deep: true)
            : bounds.SelectMany(b => host.GetClass(@namespace, b) is { } cls
                ? host.GetSubclasses(@namespace, cls.Name, deep: true).Prepend(cls)
                : []);
        foreach (var cls in candidates)
        {
            if (!seen.Add(cls.Name) || host.FindProvider(@namespace, cls.Name) is not { } provider)
            {
                continue; // repository classes raise their events immediately
            }
            if (FindIntrinsicRegistration(provider, @namespace, cls, eventClass, host) is not null)
            {
                AddOnce(feeds, provider);
            }
            else if (cls.IsAbstract)
            {
                // No instances of its own (the engine asks each subclass for those): nothing to poll or watch.
                continue;
            }
            else if (bounds is not null && pollable && provider.AcceptsInstanceEvents(@namespace, cls, query))
            {
                own.Add((provider, cls));
            }
            else if (bounds is not null && pollable)
            {
                if (query.Within is null)
                {
                    throw new WbemException(WbemErrorEnum.wbemErrRegistrationTooPrecise,
                        $"Class '{cls.Name}' is served by provider '{provider.Name}', which raises no events for it: add WITHIN <seconds> "
                        + "to poll it.");
                }
                polled.Add(cls.Name);
            }
        }
    }

    private static EventRegistration? FindIntrinsicRegistration(CimProvider provider, string @namespace, CimClass cls, CimClass eventClass, IEventHost host)
    {
        foreach (var registration in provider.EventClasses ?? [])
        {
            if (registration is { TargetClass: { } target } && SameNamespace(registration.Namespace, @namespace)
                && cls.IsSubclassOfOrSelf(target) && Overlaps(eventClass, registration.EventClass, host, @namespace))
            {
                return registration;
            }
        }
        return null;
    }

    private static void PlanExtrinsicSources(IEventHost host, string @namespace, CimClass eventClass, List<CimProvider> feeds)
    {
        if (!Overlaps(eventClass, EventObjects.ExtrinsicEventClass, host, @namespace))
        {
            return;
        }
        var root = eventClass.IsSubclassOfOrSelf(EventObjects.ExtrinsicEventClass) ? eventClass.Name : EventObjects.ExtrinsicEventClass;
        var candidates = host.GetSubclasses(@namespace, root, deep: true);
        if (host.GetClass(@namespace, root) is { } self)
        {
            candidates = candidates.Prepend(self);
        }
        foreach (var cls in candidates)
        {
            if (host.FindProvider(@namespace, cls.Name) is not { } provider)
            {
                continue;
            }
            foreach (var registration in provider.EventClasses ?? [])
            {
                if (registration is { TargetClass: null } && SameNamespace(registration.Namespace, @namespace)
                    && cls.IsSubclassOfOrSelf(registration.EventClass))
                {
                    AddOnce(feeds, provider);
                    break;
                }
            }
        }
    }

    internal static bool SameNamespace(string a, string b) =>
        string.Equals(a.Replace('/', '\\'), b.Replace('/', '\\'), StringComparison.OrdinalIgnoreCase);

    private static void AddOnce(List<CimProvider> list, CimProvider provider)
    {
        if (!list.Contains(provider))
        {
            list.Add(provider);
        }
    }

    /// <summary>
    /// The ISA classes the condition requires of the event's target object: for <c>TargetInstance ISA "A"</c> {A}; for
    /// <c>… ISA "A" OR … ISA "B"</c> {A, B}; in a conjunction, the first conjunct that is such a test. Null when not
    /// required.
    /// </summary>
    internal static (string? Property, IReadOnlyList<string>? Bounds) FindTargetBounds(CimClass eventClass, WqlExpression? where)
    {
        foreach (var property in EventObjects.TargetProperties)
        {
            if (eventClass.FindProperty(property) is null && !string.Equals(eventClass.Name, EventObjects.EventClass, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            if (WqlQueryAnalysis.GetIsaTargets(where, property) is { } targets)
            {
                return (property, targets);
            }
        }
        return (null, null);
    }

    private static void CheckPaths(PathChecker checker, WqlEventQuery query)
    {
        foreach (var path in query.SelectList ?? [])
        {
            checker.Check(path, groupBy: false, isa: false);
        }
        Walk(query.Where);
        foreach (var path in query.GroupBy ?? [])
        {
            checker.Check(path, groupBy: true, isa: false);
        }

        void Walk(WqlExpression? e)
        {
            switch (e)
            {
                case WqlAnd a: Walk(a.Left); Walk(a.Right); break;
                case WqlOr o: Walk(o.Left); Walk(o.Right); break;
                case WqlNot n: Walk(n.Operand); break;
                case WqlIsa i: checker.Check(i.Property, groupBy: false, isa: true); break;
                case WqlIsNull n: checker.Check(n.Property, groupBy: false, isa: false); break;
                case WqlLike l: checker.Check(l.Property, groupBy: false, isa: false); break;
                case WqlComparison c: checker.Check(c.Property, groupBy: false, isa: false); break;
            }
        }
    }

    /// <summary>Checks dotted paths against the classes they walk through, where those classes are known.</summary>
    private sealed class PathChecker(IEventHost host, string @namespace, CimClass eventClass, string? boundProperty, IReadOnlyList<string>? bounds)
    {
        public void Check(WqlPropertyPath path, bool groupBy, bool isa)
        {
            var parts = path.Parts;
            CimClass? current = eventClass;
            for (var i = 0; i < parts.Count && current is not null; i++)
            {
                var last = i == parts.Count - 1;
                if (parts[i].StartsWith("__", StringComparison.Ordinal))
                {
                    return; // system properties: the shared validator knows them
                }
                if (current.FindProperty(parts[i]) is not { } property)
                {
                    return; // unknown embedded names never match; not an error (WMI's rule for data queries)
                }
                var isObject = property.Type == CimType.Object && !property.IsArray;
                if (!last || isa)
                {
                    if (!isObject)
                    {
                        // Same codes as the shared validator: a dot through a scalar, or ISA (an operator) on one.
                        throw last
                            ? new WbemException(WbemErrorEnum.wbemErrInvalidOperator, $"ISA needs an embedded object; '{path}' is not one.")
                            : NotAnObject(path, parts[i]);
                    }
                    current = EmbeddedClass(property, i);
                }
                else if (groupBy && isObject)
                {
                    throw new WbemException(WbemErrorEnum.wbemErrAggregatingByObject,
                        $"GROUP BY '{path}' names an embedded object; group by one of its properties instead (e.g. {path}.Name).");
                }
            }
        }

        private CimClass? EmbeddedClass(CimProperty property, int depth)
        {
            if (property.ReferenceClassName is { } name)
            {
                return host.GetClass(@namespace, name);
            }
            // TargetInstance ISA "C" tells what the untyped embedded object is when C is the only bound.
            return depth == 0 && bounds is { Count: 1 } && CimNames.AreEqual(property.Name, boundProperty)
                ? host.GetClass(@namespace, bounds[0])
                : null;
        }

        private static WbemException NotAnObject(WqlPropertyPath path, string part) =>
            new(WbemErrorEnum.wbemErrPropertyNotAnObject,
                $"'{path}' uses dot notation (or ISA) on '{part}', which is not an embedded object.");
    }
}

using Wmix.Cim;

namespace Wmix.Engine.Internal;

/// <summary>
/// Rebuilding classes on a changed parent (class updates, puts whose parent copy is stale) and moving instances to
/// a rebuilt class; the comparison that decides whether a class update is harmless.
/// </summary>
internal static class ClassRebuilder
{
    // Qualifiers whose change does not alter a class's contract (WMI: "unimportant qualifiers such as Description").
    private static readonly HashSet<string> s_harmlessQualifiers = new(StringComparer.OrdinalIgnoreCase)
    {
        "Description", "DisplayName", "Units", "MappingStrings", "ModelCorrespondence", "Locale", "Deprecated",
    };

    /// <summary>
    /// <paramref name="child"/>'s own elements (local qualifiers, properties and methods declared or overridden here,
    /// inherited properties given other defaults) re-declared on <paramref name="parent"/>. With
    /// <paramref name="force"/>, an element that conflicts with the parent is dropped instead of failing.
    /// </summary>
    public static CimClass Rebase(CimClass child, CimClass? parent, bool force)
    {
        var rebuilt = new CimClass(child.Name, parent);
        foreach (var q in child.Qualifiers)
        {
            if (q.IsLocal)
            {
                rebuilt.Qualifiers.Set(q);
            }
        }
        foreach (var p in child.Properties)
        {
            var declaredHere = p.IsLocal || CimNames.AreEqual(p.ClassOrigin, child.Name);
            try
            {
                if (declaredHere)
                {
                    rebuilt.AddProperty(new CimProperty(p.Name, p.Type, p.IsArray, p.Value, p.ReferenceClassName,
                        new CimQualifierSet(p.Qualifiers.Where(q => q.IsLocal))));
                }
                else if (rebuilt.FindProperty(p.Name) is { } inherited && !CimValue.AreEqual(inherited.Value, p.Value)
                    && inherited.Type == p.Type && inherited.IsArray == p.IsArray)
                {
                    // A default the child set on an inherited property.
                    rebuilt.SetValue(p.Name, p.Value);
                }
            }
            catch (WbemException) when (force)
            {
                // ForceMode: the parent wins; the child's conflicting element is dropped.
            }
        }
        foreach (var m in child.Methods)
        {
            if (!m.IsLocal && !CimNames.AreEqual(m.ClassOrigin, child.Name))
            {
                continue;
            }
            try
            {
                rebuilt.AddMethod(new CimMethod(m.Name, m.ReturnType, m.Parameters, new CimQualifierSet(m.Qualifiers.Where(q => q.IsLocal))));
            }
            catch (WbemException) when (force)
            {
                // ForceMode: as for properties.
            }
        }
        return rebuilt;
    }

    /// <summary>A copy of <paramref name="instance"/> on <paramref name="cls"/>, property values carried over by name.</summary>
    public static CimInstance Rehome(CimInstance instance, CimClass cls)
    {
        var moved = cls.SpawnInstance();
        var source = instance.Class;
        for (var i = 0; i < moved.Properties.Count; i++)
        {
            var j = source.IndexOf(moved.Properties[i].Name);
            if (j >= 0)
            {
                moved.SetValue(i, instance.GetValue(j));
            }
        }
        return moved;
    }

    /// <summary>
    /// True when <paramref name="updated"/> differs from <paramref name="existing"/> only in harmless qualifiers
    /// (Description and the like): same superclass, properties, types, defaults, methods, and other qualifiers.
    /// </summary>
    public static bool OnlyHarmlessChanges(CimClass existing, CimClass updated)
    {
        if (!existing.CompareTo(updated, CimComparisonFlags.IgnoreQualifiers | CimComparisonFlags.IgnoreObjectSource))
        {
            return false;
        }
        if (!SameQualifiers(existing.Qualifiers, updated.Qualifiers))
        {
            return false;
        }
        foreach (var p in existing.Properties)
        {
            if (updated.FindProperty(p.Name) is not { } q || !SameQualifiers(p.Qualifiers, q.Qualifiers))
            {
                return false;
            }
        }
        foreach (var m in existing.Methods)
        {
            if (updated.Methods.Find(m.Name) is not { } n || !SameQualifiers(m.Qualifiers, n.Qualifiers))
            {
                return false;
            }
        }
        return true;
    }

    private static bool SameQualifiers(CimQualifierSet a, CimQualifierSet b)
    {
        foreach (var q in a)
        {
            if (IsHarmless(q))
            {
                continue;
            }
            if (b.Find(q.Name) is not { } r || !CimValue.AreEqual(q.Value, r.Value) || (q.Flavor & ~CimFlavor.Propagated) != (r.Flavor & ~CimFlavor.Propagated))
            {
                return false;
            }
        }
        foreach (var r in b)
        {
            if (!IsHarmless(r) && !a.Contains(r.Name))
            {
                return false;
            }
        }
        return true;
    }

    private static bool IsHarmless(CimQualifier q) => q.IsAmended || s_harmlessQualifiers.Contains(q.Name);
}

using Wmix.Cim;
using Wmix.Engine.Internal;
using Wmix.Engine.Providers;
using Wmix.Wql;

namespace Wmix.Engine;

// ExecQuery: data queries, schema queries, ASSOCIATORS OF and REFERENCES OF.
public sealed partial class ObjectManager
{
    /// <summary>The producer of ExecQuery: parses the text and streams the results into <paramref name="operation"/>.</summary>
    internal Task ExecQueryAsync(string @namespace, string text, CallOptions options, CimOperation operation)
    {
        if (operation.CancellationToken.IsCancellationRequested)
        {
            return Task.CompletedTask;
        }
        var query = WqlParser.Parse(text, WqlQueryKind.Data);
        return query switch
        {
            WqlSelectQuery { IsSchemaQuery: true } schema => SchemaQueryAsync(@namespace, schema, operation),
            WqlSelectQuery select => DataQueryAsync(@namespace, select, options, operation),
            WqlAssociatorsQuery a => AssociatorsAsync(@namespace, a.ObjectPath,
                new AssociatorsFilter(a.AssocClass, a.ResultClass, a.ResultRole, a.Role, a.ClassDefsOnly, a.SchemaOnly,
                    a.RequiredAssocQualifier, a.RequiredQualifier, a.KeysOnly), options, operation),
            WqlReferencesQuery r => ReferencesAsync(@namespace, r.ObjectPath,
                new ReferencesFilter(r.ResultClass, r.Role, r.ClassDefsOnly, r.SchemaOnly, r.RequiredQualifier, r.KeysOnly), options, operation),
            _ => throw new WbemException(WbemErrorEnum.wbemErrInvalidQuery, "ExecQuery takes SELECT, ASSOCIATORS OF or REFERENCES OF."),
        };
    }

    private async Task DataQueryAsync(string @namespace, WqlSelectQuery query, CallOptions options, CimOperation operation)
    {
        var cls = GetClass(@namespace, query.ClassName)
            ?? throw new WbemException(WbemErrorEnum.wbemErrInvalidClass, $"Class '{query.ClassName}' does not exist in '{@namespace}'.");
        var projection = Projection.Create(query.SelectList, cls);
        var filter = QueryFilter.Create(query.Where, cls);
        if (options.Prototype)
        {
            CimClass prototype = projection is null ? cls : (CimClass)Locate(projection.Prototype(cls), @namespace).Freeze();
            await operation.DeliverAsync(prototype).ConfigureAwait(false);
            return;
        }

        var cancellationToken = operation.CancellationToken;
        var context = new ProviderContext(@namespace, ServerName, options, query, operation, cancellationToken);
        var onlyClass = ExactClassCondition(query.Where);
        foreach (var c in ClassesToScan(@namespace, cls, deep: true))
        {
            // WHERE __CLASS = "C" names one class: the others cannot match, so they are not even asked.
            if (onlyClass is not null && !CimNames.AreEqual(onlyClass, c.Name))
            {
                continue;
            }
            if (!await DeliverExactAsync(@namespace, c, context, filter, projection, operation).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    /// <summary>The class named by a top-level <c>__CLASS = "C"</c> conjunct, or null.</summary>
    private static string? ExactClassCondition(WqlExpression? where) => where switch
    {
        WqlComparison { Operator: WqlComparisonOperator.Equal, Value.Kind: WqlLiteralKind.String, Property.IsNested: false } c
            when CimNames.AreEqual(c.Property.LeafName, "__CLASS") => (string)c.Value.Value!,
        WqlAnd and => ExactClassCondition(and.Left) ?? ExactClassCondition(and.Right),
        _ => null,
    };

    private async Task SchemaQueryAsync(string @namespace, WqlSelectQuery query, CimOperation operation)
    {
        var filter = SchemaFilter.Create(query.Where);
        foreach (var cls in AllClasses(@namespace))
        {
            operation.CancellationToken.ThrowIfCancellationRequested();
            if (filter(cls) && !await operation.DeliverAsync(Locate(cls, @namespace)).ConfigureAwait(false))
            {
                return;
            }
        }
    }
}

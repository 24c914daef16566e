using Wmix.Scripting.Internal;

namespace Wmix.Scripting;

// The members of SWbemObject that call WMI, on the connection the object came from.
public partial class SWbemObject
{
    private const int DefaultCollectionFlags = SWbemServices.FlagReturnImmediately;

    /// <summary>Creates or updates the object in WMI and returns its path.</summary>
    /// <param name="iFlags">A <see cref="WbemChangeFlagEnum"/> combination.</param>
    /// <param name="objWbemNamedValueSet">Provider context, or null.</param>
    /// <exception cref="WbemException">wbemErrAlreadyExists, wbemErrNotFound, wbemErrIncompleteClass, wbemErrInvalidObject, …</exception>
    public SWbemObjectPath Put_(int iFlags = 0, SWbemNamedValueSet? objWbemNamedValueSet = null) =>
        RequireServices(nameof(Put_)).PutCore(this, iFlags, objWbemNamedValueSet, nameof(Put_));

    /// <summary>Creates or updates the object in WMI: <see cref="SWbemSink.OnObjectPut"/>, then <see cref="SWbemSink.OnCompleted"/>.</summary>
    public void PutAsync_(SWbemSink objWbemSink, int iFlags = 0, SWbemNamedValueSet? objWbemNamedValueSet = null,
        SWbemNamedValueSet? objWbemAsyncContext = null) =>
        RequireServices(nameof(PutAsync_)).PutWithSink(objWbemSink, this, iFlags, objWbemNamedValueSet, objWbemAsyncContext, nameof(PutAsync_));

    /// <summary>Deletes the object from WMI.</summary>
    /// <param name="iFlags">Reserved; must be 0.</param>
    /// <param name="objWbemNamedValueSet">Provider context, or null.</param>
    public void Delete_(int iFlags = 0, SWbemNamedValueSet? objWbemNamedValueSet = null) =>
        RequireServices(nameof(Delete_)).Delete(RequirePath(nameof(Delete_)), iFlags, objWbemNamedValueSet);

    /// <summary>Deletes the object from WMI; only <see cref="SWbemSink.OnCompleted"/> is raised.</summary>
    public void DeleteAsync_(SWbemSink objWbemSink, int iFlags = 0, SWbemNamedValueSet? objWbemNamedValueSet = null,
        SWbemNamedValueSet? objWbemAsyncContext = null) =>
        RequireServices(nameof(DeleteAsync_)).DeleteAsync(objWbemSink, RequirePath(nameof(DeleteAsync_)), iFlags, objWbemNamedValueSet, objWbemAsyncContext);

    /// <summary>Runs a method of this object (or of this class, for static methods) and returns its out-parameters.</summary>
    /// <param name="strMethodName">The method.</param>
    /// <param name="objwbemInParams">An instance of the method's <c>InParameters</c> class, or null.</param>
    /// <param name="iFlags">Reserved; must be 0.</param>
    /// <param name="objwbemNamedValueSet">Provider context, or null.</param>
    /// <returns>The out-parameters object (with <c>ReturnValue</c>), or null when the method returns nothing.</returns>
    public SWbemObject? ExecMethod_(string strMethodName, SWbemObject? objwbemInParams = null, int iFlags = 0,
        SWbemNamedValueSet? objwbemNamedValueSet = null) =>
        RequireServices(nameof(ExecMethod_)).ExecMethod(RequirePath(nameof(ExecMethod_)), strMethodName, objwbemInParams, iFlags, objwbemNamedValueSet);

    /// <summary>Runs a method of this object; the out-parameters arrive as <see cref="SWbemSink.OnObjectReady"/>.</summary>
    public void ExecMethodAsync_(SWbemSink objWbemSink, string strMethodName, SWbemObject? objwbemInParams = null, int iFlags = 0,
        SWbemNamedValueSet? objwbemNamedValueSet = null, SWbemNamedValueSet? objWbemAsyncContext = null) =>
        RequireServices(nameof(ExecMethodAsync_)).ExecMethodAsync(objWbemSink, RequirePath(nameof(ExecMethodAsync_)), strMethodName,
            objwbemInParams, iFlags, objwbemNamedValueSet, objWbemAsyncContext);

    /// <summary>The instances of this class (semi-synchronous by default).</summary>
    /// <exception cref="WbemException">wbemErrInvalidOperation on an instance.</exception>
    public SWbemObjectSet Instances_(int iFlags = DefaultCollectionFlags, SWbemNamedValueSet? objWbemNamedValueSet = null) =>
        RequireServices(nameof(Instances_)).InstancesOf(RequireClassName(nameof(Instances_)), iFlags, objWbemNamedValueSet);

    /// <summary>The instances of this class; one <see cref="SWbemSink.OnObjectReady"/> per instance.</summary>
    public void InstancesAsync_(SWbemSink objWbemSink, int iFlags = 0, SWbemNamedValueSet? objWbemNamedValueSet = null,
        SWbemNamedValueSet? objWbemAsyncContext = null) =>
        RequireServices(nameof(InstancesAsync_)).InstancesOfAsync(objWbemSink, RequireClassName(nameof(InstancesAsync_)), iFlags,
            objWbemNamedValueSet, objWbemAsyncContext);

    /// <summary>The subclasses of this class; by default only the immediate ones (<c>wbemQueryFlagShallow</c>), unlike <c>SubclassesOf</c>.</summary>
    public SWbemObjectSet Subclasses_(int iFlags = DefaultCollectionFlags | SWbemServices.FlagShallow, SWbemNamedValueSet? objWbemNamedValueSet = null) =>
        RequireServices(nameof(Subclasses_)).SubclassesOf(RequireClassName(nameof(Subclasses_)), iFlags, objWbemNamedValueSet);

    /// <summary>The subclasses of this class, immediate ones only by default; one <see cref="SWbemSink.OnObjectReady"/> per class.</summary>
    public void SubclassesAsync_(SWbemSink objWbemSink, int iFlags = SWbemServices.FlagShallow, SWbemNamedValueSet? objWbemNamedValueSet = null,
        SWbemNamedValueSet? objWbemAsyncContext = null) =>
        RequireServices(nameof(SubclassesAsync_)).SubclassesOfAsync(objWbemSink, RequireClassName(nameof(SubclassesAsync_)), iFlags,
            objWbemNamedValueSet, objWbemAsyncContext);

    /// <summary>The objects associated with this object (as <c>ASSOCIATORS OF</c>).</summary>
    public SWbemObjectSet Associators_(string strAssocClass = "", string strResultClass = "", string strResultRole = "", string strRole = "",
        bool bClassesOnly = false, bool bSchemaOnly = false, string strRequiredAssocQualifier = "", string strRequiredQualifier = "",
        int iFlags = DefaultCollectionFlags, SWbemNamedValueSet? objWbemNamedValueSet = null) =>
        RequireServices(nameof(Associators_)).AssociatorsOf(RequirePath(nameof(Associators_)), strAssocClass, strResultClass, strResultRole,
            strRole, bClassesOnly, bSchemaOnly, strRequiredAssocQualifier, strRequiredQualifier, iFlags, objWbemNamedValueSet);

    /// <summary>The objects associated with this object; one <see cref="SWbemSink.OnObjectReady"/> per endpoint.</summary>
    public void AssociatorsAsync_(SWbemSink objWbemSink, string strAssocClass = "", string strResultClass = "", string strResultRole = "",
        string strRole = "", bool bClassesOnly = false, bool bSchemaOnly = false, string strRequiredAssocQualifier = "",
        string strRequiredQualifier = "", int iFlags = 0, SWbemNamedValueSet? objWbemNamedValueSet = null,
        SWbemNamedValueSet? objWbemAsyncContext = null) =>
        RequireServices(nameof(AssociatorsAsync_)).AssociatorsOfAsync(objWbemSink, RequirePath(nameof(AssociatorsAsync_)), strAssocClass,
            strResultClass, strResultRole, strRole, bClassesOnly, bSchemaOnly, strRequiredAssocQualifier, strRequiredQualifier, iFlags,
            objWbemNamedValueSet, objWbemAsyncContext);

    /// <summary>The association objects that refer to this object (as <c>REFERENCES OF</c>).</summary>
    public SWbemObjectSet References_(string strResultClass = "", string strRole = "", bool bClassesOnly = false, bool bSchemaOnly = false,
        string strRequiredQualifier = "", int iFlags = DefaultCollectionFlags, SWbemNamedValueSet? objWbemNamedValueSet = null) =>
        RequireServices(nameof(References_)).ReferencesTo(RequirePath(nameof(References_)), strResultClass, strRole, bClassesOnly, bSchemaOnly,
            strRequiredQualifier, iFlags, objWbemNamedValueSet);

    /// <summary>The association objects that refer to this object; one <see cref="SWbemSink.OnObjectReady"/> per association.</summary>
    public void ReferencesAsync_(SWbemSink objWbemSink, string strResultClass = "", string strRole = "", bool bClassesOnly = false,
        bool bSchemaOnly = false, string strRequiredQualifier = "", int iFlags = 0, SWbemNamedValueSet? objWbemNamedValueSet = null,
        SWbemNamedValueSet? objWbemAsyncContext = null) =>
        RequireServices(nameof(ReferencesAsync_)).ReferencesToAsync(objWbemSink, RequirePath(nameof(ReferencesAsync_)), strResultClass, strRole,
            bClassesOnly, bSchemaOnly, strRequiredQualifier, iFlags, objWbemNamedValueSet, objWbemAsyncContext);

    private string RequireClassName(string method)
    {
        if (Object.Genus != Cim.CimGenus.Class)
        {
            throw ScriptErrors.Error(WbemErrorEnum.wbemErrInvalidOperation, $"{method} needs a class; this is an instance of '{Object.ClassName}'.");
        }
        return RequirePath(method);
    }
}

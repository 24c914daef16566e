namespace Wmix.Scripting;

/// <summary>
/// The WMI scripting error codes (<c>WbemErrorEnum</c>) with Microsoft's names and HRESULT values.
/// Every layer of Wmix reports failures with one of these codes, carried by <see cref="WbemException"/>.
/// </summary>
#pragma warning disable CA1707 // Microsoft's documented names keep their "wbemErr" prefix.
#pragma warning disable CA1069 // VetoPut/VetoDelete are documented with swapped values; both names are exposed (spec §8.4).
#pragma warning disable CA1008 // wbemNoErr is the documented zero value.
#pragma warning disable CA1028 // HRESULTs are 32-bit signed in .NET.
public enum WbemErrorEnum
{
    /// <summary>Success. (0x00000000)</summary>
    wbemNoErr = unchecked((int)0x00000000),
    /// <summary>Unspecified failure. (0x80041001)</summary>
    wbemErrFailed = unchecked((int)0x80041001),
    /// <summary>Object/item does not exist. (0x80041002)</summary>
    wbemErrNotFound = unchecked((int)0x80041002),
    /// <summary>Caller lacks permission / bad credentials. (0x80041003)</summary>
    wbemErrAccessDenied = unchecked((int)0x80041003),
    /// <summary>Provider failed after it had initialized. (0x80041004)</summary>
    wbemErrProviderFailure = unchecked((int)0x80041004),
    /// <summary>Value type does not match what is expected. (0x80041005)</summary>
    wbemErrTypeMismatch = unchecked((int)0x80041005),
    /// <summary>Not enough memory. (0x80041006)</summary>
    wbemErrOutOfMemory = unchecked((int)0x80041006),
    /// <summary>Context object (named value set) is invalid. (0x80041007)</summary>
    wbemErrInvalidContext = unchecked((int)0x80041007),
    /// <summary>A call parameter is wrong. (0x80041008)</summary>
    wbemErrInvalidParameter = unchecked((int)0x80041008),
    /// <summary>Resource (e.g. server) unavailable. (0x80041009)</summary>
    wbemErrNotAvailable = unchecked((int)0x80041009),
    /// <summary>Internal, unexpected failure. (0x8004100A)</summary>
    wbemErrCriticalError = unchecked((int)0x8004100A),
    /// <summary>Network packets corrupted. (0x8004100B)</summary>
    wbemErrInvalidStream = unchecked((int)0x8004100B),
    /// <summary>Feature/operation not supported. (0x8004100C)</summary>
    wbemErrNotSupported = unchecked((int)0x8004100C),
    /// <summary>Specified parent class is invalid. (0x8004100D)</summary>
    wbemErrInvalidSuperclass = unchecked((int)0x8004100D),
    /// <summary>Namespace cannot be found. (0x8004100E)</summary>
    wbemErrInvalidNamespace = unchecked((int)0x8004100E),
    /// <summary>Instance is invalid. (0x8004100F)</summary>
    wbemErrInvalidObject = unchecked((int)0x8004100F),
    /// <summary>Class is invalid / does not exist. (0x80041010)</summary>
    wbemErrInvalidClass = unchecked((int)0x80041010),
    /// <summary>Schema's provider not registered. (0x80041011)</summary>
    wbemErrProviderNotFound = unchecked((int)0x80041011),
    /// <summary>Provider registration wrong or incomplete. (0x80041012)</summary>
    wbemErrInvalidProviderRegistration = unchecked((int)0x80041012),
    /// <summary>Provider could not be loaded. (0x80041013)</summary>
    wbemErrProviderLoadFailure = unchecked((int)0x80041013),
    /// <summary>Component failed to initialize. (0x80041014)</summary>
    wbemErrInitializationFailure = unchecked((int)0x80041014),
    /// <summary>Network/transport error. (0x80041015)</summary>
    wbemErrTransportFailure = unchecked((int)0x80041015),
    /// <summary>Operation invalid (typically a bad delete). (0x80041016)</summary>
    wbemErrInvalidOperation = unchecked((int)0x80041016),
    /// <summary>Query text is not syntactically valid. (0x80041017)</summary>
    wbemErrInvalidQuery = unchecked((int)0x80041017),
    /// <summary>Query language not "WQL". (0x80041018)</summary>
    wbemErrInvalidQueryType = unchecked((int)0x80041018),
    /// <summary>Create-only put, but the object exists. (0x80041019)</summary>
    wbemErrAlreadyExists = unchecked((int)0x80041019),
    /// <summary>Qualifier may not be overridden. (0x8004101A)</summary>
    wbemErrOverrideNotAllowed = unchecked((int)0x8004101A),
    /// <summary>Tried to delete an inherited qualifier. (0x8004101B)</summary>
    wbemErrPropagatedQualifier = unchecked((int)0x8004101B),
    /// <summary>Tried to delete an inherited property. (0x8004101C)</summary>
    wbemErrPropagatedProperty = unchecked((int)0x8004101C),
    /// <summary>Illegal sequence of calls. (0x8004101D)</summary>
    wbemErrUnexpected = unchecked((int)0x8004101D),
    /// <summary>Illegal request (e.g. class from an instance). (0x8004101E)</summary>
    wbemErrIllegalOperation = unchecked((int)0x8004101E),
    /// <summary>Key qualifier on a property that cannot be a key. (0x8004101F)</summary>
    wbemErrCannotBeKey = unchecked((int)0x8004101F),
    /// <summary>Class definition incomplete or not yet stored. (0x80041020)</summary>
    wbemErrIncompleteClass = unchecked((int)0x80041020),
    /// <summary>Input has wrong syntax (e.g. malformed datetime). (0x80041021)</summary>
    wbemErrInvalidSyntax = unchecked((int)0x80041021),
    /// <summary>Reserved. (0x80041022)</summary>
    wbemErrNondecoratedObject = unchecked((int)0x80041022),
    /// <summary>Write to a read-only property. (0x80041023)</summary>
    wbemErrReadOnly = unchecked((int)0x80041023),
    /// <summary>Provider cannot do it (e.g. complex query). (0x80041024)</summary>
    wbemErrProviderNotCapable = unchecked((int)0x80041024),
    /// <summary>Change would invalidate a subclass. (0x80041025)</summary>
    wbemErrClassHasChildren = unchecked((int)0x80041025),
    /// <summary>Class has instances; change/delete refused. (0x80041026)</summary>
    wbemErrClassHasInstances = unchecked((int)0x80041026),
    /// <summary>Reserved. (0x80041027)</summary>
    wbemErrQueryNotImplemented = unchecked((int)0x80041027),
    /// <summary>Null for a Key/Indexed/Not_Null property. (0x80041028)</summary>
    wbemErrIllegalNull = unchecked((int)0x80041028),
    /// <summary>Qualifier value has an illegal type. (0x80041029)</summary>
    wbemErrInvalidQualifierType = unchecked((int)0x80041029),
    /// <summary>Property CIM type is invalid. (0x8004102A)</summary>
    wbemErrInvalidPropertyType = unchecked((int)0x8004102A),
    /// <summary>Value out of range or incompatible with type. (0x8004102B)</summary>
    wbemErrValueOutOfRange = unchecked((int)0x8004102B),
    /// <summary>Class may not be made a singleton. (0x8004102C)</summary>
    wbemErrCannotBeSingleton = unchecked((int)0x8004102C),
    /// <summary>CIM type is invalid. (0x8004102D)</summary>
    wbemErrInvalidCimType = unchecked((int)0x8004102D),
    /// <summary>Method not available. (0x8004102E)</summary>
    wbemErrInvalidMethod = unchecked((int)0x8004102E),
    /// <summary>Method parameters invalid. (0x8004102F)</summary>
    wbemErrInvalidMethodParameters = unchecked((int)0x8004102F),
    /// <summary>Qualifiers requested on a system property. (0x80041030)</summary>
    wbemErrSystemProperty = unchecked((int)0x80041030),
    /// <summary>Property type not recognized. (0x80041031)</summary>
    wbemErrInvalidProperty = unchecked((int)0x80041031),
    /// <summary>Async call cancelled (user/internal); work may still complete. (0x80041032)</summary>
    wbemErrCallCancelled = unchecked((int)0x80041032),
    /// <summary>Service is shutting down. (0x80041033)</summary>
    wbemErrShuttingDown = unchecked((int)0x80041033),
    /// <summary>Inherited method reused with other signature. (0x80041034)</summary>
    wbemErrPropagatedMethod = unchecked((int)0x80041034),
    /// <summary>Parameter (e.g. query) too complex; retry simpler. (0x80041035)</summary>
    wbemErrUnsupportedParameter = unchecked((int)0x80041035),
    /// <summary>Method-call parameter missing. (0x80041036)</summary>
    wbemErrMissingParameter = unchecked((int)0x80041036),
    /// <summary>Method parameter has a bad ID qualifier. (0x80041037)</summary>
    wbemErrInvalidParameterId = unchecked((int)0x80041037),
    /// <summary>Method parameter IDs out of sequence. (0x80041038)</summary>
    wbemErrNonConsecutiveParameterIds = unchecked((int)0x80041038),
    /// <summary>Return value carries an ID qualifier. (0x80041039)</summary>
    wbemErrParameterIdOnRetval = unchecked((int)0x80041039),
    /// <summary>Object path is invalid. (0x8004103A)</summary>
    wbemErrInvalidObjectPath = unchecked((int)0x8004103A),
    /// <summary>Disk full / repository size limit reached. (0x8004103B)</summary>
    wbemErrOutOfDiskSpace = unchecked((int)0x8004103B),
    /// <summary>Supplied buffer too small. (0x8004103C)</summary>
    wbemErrBufferTooSmall = unchecked((int)0x8004103C),
    /// <summary>Provider does not support this put variant. (0x8004103D)</summary>
    wbemErrUnsupportedPutExtension = unchecked((int)0x8004103D),
    /// <summary>Marshaling: object of wrong type/version. (0x8004103E)</summary>
    wbemErrUnknownObjectType = unchecked((int)0x8004103E),
    /// <summary>Marshaling: packet of wrong type/version. (0x8004103F)</summary>
    wbemErrUnknownPacketType = unchecked((int)0x8004103F),
    /// <summary>Marshaling: unsupported packet version. (0x80041040)</summary>
    wbemErrMarshalVersionMismatch = unchecked((int)0x80041040),
    /// <summary>Marshaling: packet corrupt. (0x80041041)</summary>
    wbemErrMarshalInvalidSignature = unchecked((int)0x80041041),
    /// <summary>Qualifier misuse (e.g. [key] on an object). (0x80041042)</summary>
    wbemErrInvalidQualifier = unchecked((int)0x80041042),
    /// <summary>Duplicate parameter in a CIM method. (0x80041043)</summary>
    wbemErrInvalidDuplicateParameter = unchecked((int)0x80041043),
    /// <summary>Reserved. (0x80041044)</summary>
    wbemErrTooMuchData = unchecked((int)0x80041044),
    /// <summary>Sink delivery failed; provider may re-fire. (0x80041045)</summary>
    wbemErrServerTooBusy = unchecked((int)0x80041045),
    /// <summary>Qualifier flavor invalid. (0x80041046)</summary>
    wbemErrInvalidFlavor = unchecked((int)0x80041046),
    /// <summary>Circular reference. (0x80041047)</summary>
    wbemErrCircularReference = unchecked((int)0x80041047),
    /// <summary>Class update not supported. (0x80041048)</summary>
    wbemErrUnsupportedClassUpdate = unchecked((int)0x80041048),
    /// <summary>Key change while in use. (0x80041049)</summary>
    wbemErrCannotChangeKeyInheritance = unchecked((int)0x80041049),
    /// <summary>Index change while in use. (0x80041050)</summary>
    wbemErrCannotChangeIndexInheritance = unchecked((int)0x80041050),
    /// <summary>Too many properties. (0x80041051)</summary>
    wbemErrTooManyProperties = unchecked((int)0x80041051),
    /// <summary>Derived class redefines a property type. (0x80041052)</summary>
    wbemErrUpdateTypeMismatch = unchecked((int)0x80041052),
    /// <summary>Derived class overrides fixed qualifier. (0x80041053)</summary>
    wbemErrUpdateOverrideNotAllowed = unchecked((int)0x80041053),
    /// <summary>Derived class redeclares a method differently. (0x80041054)</summary>
    wbemErrUpdatePropagatedMethod = unchecked((int)0x80041054),
    /// <summary>Method not marked [implemented] anywhere relevant. (0x80041055)</summary>
    wbemErrMethodNotImplemented = unchecked((int)0x80041055),
    /// <summary>Method marked [disabled]. (0x80041056)</summary>
    wbemErrMethodDisabled = unchecked((int)0x80041056),
    /// <summary>Refresher busy. (0x80041057)</summary>
    wbemErrRefresherBusy = unchecked((int)0x80041057),
    /// <summary>Filtering (event) query cannot be parsed. (0x80041058)</summary>
    wbemErrUnparsableQuery = unchecked((int)0x80041058),
    /// <summary>Event query FROM class not an __Event. (0x80041059)</summary>
    wbemErrNotEventClass = unchecked((int)0x80041059),
    /// <summary>GROUP BY used without GROUP WITHIN. (0x8004105A)</summary>
    wbemErrMissingGroupWithin = unchecked((int)0x8004105A),
    /// <summary>GROUP BY without property list. (0x8004105B)</summary>
    wbemErrMissingAggregationList = unchecked((int)0x8004105B),
    /// <summary>Dot notation on non-object property. (0x8004105C)</summary>
    wbemErrPropertyNotAnObject = unchecked((int)0x8004105C),
    /// <summary>GROUP BY on embedded object without dot notation. (0x8004105D)</summary>
    wbemErrAggregatingByObject = unchecked((int)0x8004105D),
    /// <summary>Provider registration query names no classes. (0x8004105F)</summary>
    wbemErrUninterpretableProviderQuery = unchecked((int)0x8004105F),
    /// <summary>Repository backup/restore while in use. (0x80041060)</summary>
    wbemErrBackupRestoreWinmgmtRunning = unchecked((int)0x80041060),
    /// <summary>Async delivery queue overflowed (slow consumer). (0x80041061)</summary>
    wbemErrQueueOverflow = unchecked((int)0x80041061),
    /// <summary>Required privilege not held. (0x80041062)</summary>
    wbemErrPrivilegeNotHeld = unchecked((int)0x80041062),
    /// <summary>Operator not valid for the property type. (0x80041063)</summary>
    wbemErrInvalidOperator = unchecked((int)0x80041063),
    /// <summary>Credentials on a local connection. (0x80041064)</summary>
    wbemErrLocalCredentials = unchecked((int)0x80041064),
    /// <summary>Abstract class under a non-abstract parent. (0x80041065)</summary>
    wbemErrCannotBeAbstract = unchecked((int)0x80041065),
    /// <summary>Amended object written without the amended flag. (0x80041066)</summary>
    wbemErrAmendedObject = unchecked((int)0x80041066),
    /// <summary>Client did not drain an enumeration in time. (0x80041067)</summary>
    wbemErrClientTooSlow = unchecked((int)0x80041067),
    /// <summary>Null security descriptor used. (0x80041068)</summary>
    wbemErrNullSecurityDescriptor = unchecked((int)0x80041068),
    /// <summary>Operation timed out. (0x80041069)</summary>
    wbemErrTimeout = unchecked((int)0x80041069),
    /// <summary>Association invalid. (0x8004106A)</summary>
    wbemErrInvalidAssociation = unchecked((int)0x8004106A),
    /// <summary>Operation ambiguous. (0x8004106B)</summary>
    wbemErrAmbiguousOperation = unchecked((int)0x8004106B),
    /// <summary>Memory quota exceeded (also too many WQL AND/OR). (0x8004106C)</summary>
    wbemErrQuotaViolation = unchecked((int)0x8004106C),
    /// <summary>Transaction conflict. (0x8004106D)</summary>
    wbemErrTransactionConflict = unchecked((int)0x8004106D),
    /// <summary>Transaction forced a rollback. (0x8004106E)</summary>
    wbemErrForcedRollback = unchecked((int)0x8004106E),
    /// <summary>Locale not supported. (0x8004106F)</summary>
    wbemErrUnsupportedLocale = unchecked((int)0x8004106F),
    /// <summary>Object handle stale. (0x80041070)</summary>
    wbemErrHandleOutOfDate = unchecked((int)0x80041070),
    /// <summary>SQL database connection failed. (0x80041071)</summary>
    wbemErrConnectionFailed = unchecked((int)0x80041071),
    /// <summary>Handle request invalid. (0x80041072)</summary>
    wbemErrInvalidHandleRequest = unchecked((int)0x80041072),
    /// <summary>Property name longer than 255 chars. (0x80041073)</summary>
    wbemErrPropertyNameTooWide = unchecked((int)0x80041073),
    /// <summary>Class name longer than 255 chars. (0x80041074)</summary>
    wbemErrClassNameTooWide = unchecked((int)0x80041074),
    /// <summary>Method name longer than 255 chars. (0x80041075)</summary>
    wbemErrMethodNameTooWide = unchecked((int)0x80041075),
    /// <summary>Qualifier name longer than 255 chars. (0x80041076)</summary>
    wbemErrQualifierNameTooWide = unchecked((int)0x80041076),
    /// <summary>SQL deadlock; rerun the command. (0x80041077)</summary>
    wbemErrRerunCommand = unchecked((int)0x80041077),
    /// <summary>Repository database version mismatch. (0x80041078)</summary>
    wbemErrDatabaseVerMismatch = unchecked((int)0x80041078),
    /// <summary>Provider vetoes put (COM name of this value: WBEM_E_VETO_DELETE). (0x80041079)</summary>
    wbemErrVetoPut = unchecked((int)0x80041079),
    /// <summary>Provider vetoes delete (COM name: WBEM_E_VETO_PUT). (0x8004107A)</summary>
    wbemErrVetoDelete = unchecked((int)0x8004107A),
    /// <summary>Locale identifier invalid for the operation. (0x80041080)</summary>
    wbemErrInvalidLocale = unchecked((int)0x80041080),
    /// <summary>Provider suspended. (0x80041081)</summary>
    wbemErrProviderSuspended = unchecked((int)0x80041081),
    /// <summary>Commit and re-read first. (0x80041082)</summary>
    wbemErrSynchronizationRequired = unchecked((int)0x80041082),
    /// <summary>No schema available. (0x80041083)</summary>
    wbemErrNoSchema = unchecked((int)0x80041083),
    /// <summary>Provider already registered. (0x80041084)</summary>
    wbemErrProviderAlreadyRegistered = unchecked((int)0x80041084),
    /// <summary>Provider not registered. (0x80041085)</summary>
    wbemErrProviderNotRegistered = unchecked((int)0x80041085),
    /// <summary>Fatal transport error. (0x80041086)</summary>
    wbemErrFatalTransportError = unchecked((int)0x80041086),
    /// <summary>Encrypted connection required. (0x80041087)</summary>
    wbemErrEncryptedConnectionRequired = unchecked((int)0x80041087),
    /// <summary>Registration overlaps system event domain. (0x80042001)</summary>
    wbemErrRegistrationTooBroad = unchecked((int)0x80042001),
    /// <summary>Event query lacks a needed WITHIN clause. (0x80042002)</summary>
    wbemErrRegistrationTooPrecise = unchecked((int)0x80042002),
    /// <summary>Scripting timeout (NextEvent). COM: WBEM_E_RETRY_LATER. (0x80043001)</summary>
    wbemErrTimedout = unchecked((int)0x80043001),
    /// <summary>Scripting: override removed, parent default back. COM: WBEM_E_RESOURCE_CONTENTION. (0x80043002)</summary>
    wbemErrResetToDefault = unchecked((int)0x80043002),
}
#pragma warning restore CA1028
#pragma warning restore CA1008
#pragma warning restore CA1069
#pragma warning restore CA1707

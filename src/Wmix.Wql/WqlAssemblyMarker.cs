namespace Wmix.Wql;

/// <summary>Names this assembly for reflection-based tooling.</summary>
public static class WqlAssemblyMarker;

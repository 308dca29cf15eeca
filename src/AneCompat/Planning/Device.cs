namespace AneCompat.Planning;

/// <summary>A compute device Core ML can place work on.</summary>
public enum Device { Ane, Cpu, Gpu }

/// <summary>What part an op plays in placement.</summary>
public enum OpRole
{
    /// <summary>Real work placed on a device; counted in shares and status, and cuts segments.</summary>
    Compute,
    /// <summary>const / constexpr_* and other ops folded away at conversion or load: placement-neutral, never cuts a segment.</summary>
    Folded,
    /// <summary>Host-side work by nature (classifier label dictionaries…): runs on the CPU, but is not model compute, so it
    /// neither cuts segments nor counts for the status.</summary>
    Host,
}

public static class DeviceNames
{
    public static string ToName(this Device d) => d switch { Device.Ane => "ane", Device.Cpu => "cpu", Device.Gpu => "gpu", _ => d.ToString() };
    public static string ToLabel(this Device d) => d switch { Device.Ane => "ANE", Device.Cpu => "CPU", Device.Gpu => "GPU", _ => d.ToString() };
    public static string ToName(this OpRole r) => r switch { OpRole.Compute => "compute", OpRole.Folded => "folded", OpRole.Host => "host", _ => r.ToString() };
}

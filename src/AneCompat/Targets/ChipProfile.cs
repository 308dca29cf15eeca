namespace AneCompat.Targets;

/// <summary>
/// ANE compiler generation (direct-path target names h11…h18, ane-rules.md §0). Rules that depend on the
/// hardware compare against these.
/// </summary>
public enum AneGeneration { H11 = 11, H12 = 12, H13 = 13, H14 = 14, H15 = 15, H16 = 16, H17 = 17, H18 = 18 }

public enum DeviceClass { IPhone, Mac }

/// <summary>A target chip: its ANE generation and the capability switches the rules read.</summary>
/// <param name="GenerationConfidence">How sure the fact base is of the chip → generation mapping (R or G).</param>
public sealed record ChipProfile(
    string Name,
    DeviceClass Device,
    AneGeneration Generation,
    int AneCores,
    string GenerationConfidence,
    string Note)
{
    /// <summary>Texture/sampling unit (crop_resize, resample, affine, native resize, reflect pad): h14+ (RESIZE-TEXTURE).</summary>
    public bool HasTextureUnit => Generation >= AneGeneration.H14;

    /// <summary>Native sin/cos, argmin, RNG on the direct path: h15+ (EW-TRIG).</summary>
    public bool HasTrigUnit => Generation >= AneGeneration.H15;

    /// <summary>Per-axis caps rise to 65536 and conv kernel width to 15 from h16 (DIM-AXIS-MAX, CONV-KW).</summary>
    public bool HasWideCaps => Generation >= AneGeneration.H16;

    /// <summary>Fast int8-int8 (W8A8) path: A17 Pro / M4 and later (Q-W8A8).</summary>
    public bool HasFastInt8 => Generation >= AneGeneration.H16;

    /// <summary>Whether ML programs reach the ANE is established only from h13 (FMT-MLPROGRAM).</summary>
    public bool MlProgramOnAneEstablished => Generation >= AneGeneration.H13;

    public long MaxSpatialAxis => HasWideCaps ? 65536 : 16384;
    public int MaxKernelWidth => HasWideCaps ? 15 : 13;

    /// <summary>Model size above which the ANE is not used: 1 GB on iPhone (A), ~2 GiB on macOS (C) (COST-MODEL-SIZE).</summary>
    public long MaxModelBytes => Device == DeviceClass.IPhone ? 1_000_000_000L : 2L * 1024 * 1024 * 1024;

    public override string ToString() => Name;
}

/// <summary>The chip profiles of ane-rules.md §0, grouped by ANE generation.</summary>
public static class ChipProfiles
{
    public static readonly IReadOnlyList<ChipProfile> All = new ChipProfile[]
    {
        new("A12", DeviceClass.IPhone, AneGeneration.H11, 8, "C", "iPhone XS/XR; first Core ML ANE"),
        new("A13", DeviceClass.IPhone, AneGeneration.H12, 8, "G", "iPhone 11; lower fp16 accuracy reported"),
        new("A14", DeviceClass.IPhone, AneGeneration.H13, 16, "R", "iPhone 12; same generation as M1"),
        new("M1", DeviceClass.Mac, AneGeneration.H13, 16, "R", "M1/Pro/Max/Ultra"),
        new("A15", DeviceClass.IPhone, AneGeneration.H14, 16, "G", "iPhone 13/14"),
        new("M2", DeviceClass.Mac, AneGeneration.H14, 16, "R", "texture ops start here"),
        new("A16", DeviceClass.IPhone, AneGeneration.H15, 16, "G", "iPhone 14 Pro/15"),
        new("M3", DeviceClass.Mac, AneGeneration.H15, 16, "R", "sin/cos, argmin, RNG from here"),
        new("A17Pro", DeviceClass.IPhone, AneGeneration.H16, 16, "G", "iPhone 15 Pro; fast W8A8"),
        new("M4", DeviceClass.Mac, AneGeneration.H16, 16, "R", "65536 axis caps, kernel width 15, fast W8A8"),
        new("A18", DeviceClass.IPhone, AneGeneration.H17, 16, "G", "iPhone 16"),
        new("M5", DeviceClass.Mac, AneGeneration.H17, 16, "G", "reported as h17s and as H16 (conflict)"),
        new("A19", DeviceClass.IPhone, AneGeneration.H18, 16, "R", "iPhone 17; h18p seen for A19 Pro"),
    };

    /// <summary>The default target: a recent, common iPhone chip (its 1 GB model limit is the stricter one).</summary>
    public const string DefaultName = "A17Pro";

    public static ChipProfile Default => Find(DefaultName)!;

    /// <summary>Finds a profile by name, ignoring case, spaces and dashes ("a17 pro", "A17-Pro", "m4").</summary>
    public static ChipProfile? Find(string name)
    {
        var key = Normalize(name);
        return All.FirstOrDefault(p => Normalize(p.Name) == key);
    }

    private static string Normalize(string s) => new string(s.Where(char.IsLetterOrDigit).ToArray()).ToUpperInvariant();
}

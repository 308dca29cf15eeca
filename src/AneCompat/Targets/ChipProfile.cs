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

    /// <summary>D/H/W axis cap: 16384 up to h15, 65536 from h16 (DIM-AXIS-MAX).</summary>
    public long MaxSpatialAxis => HasWideCaps ? 65536 : 16384;

    /// <summary>N and C axis cap (DIM-AXIS-MAX error string: N[1-65536] C[1-65536]).</summary>
    public long MaxChannelAxis => 65536;

    /// <summary>Contraction depth K of matmul/linear/conv: 16384, 65536 on h16+ (DIM-K-MAX).</summary>
    public long MaxContraction => HasWideCaps ? 65536 : 16384;

    /// <summary>Conv kernel width: 13 on h13 (and assumed below h16), 15 from h16 (CONV-KW).</summary>
    public int MaxKernelWidth => HasWideCaps ? 15 : 13;

    /// <summary>Highest tensor rank the ANE accepts (RANK-MAX5).</summary>
    public int MaxRank => 5;

    /// <summary>Output blob width that triggered "Output blob dimensions exceed ANE limit" (DIM-OUTBLOB).</summary>
    public long MaxOutputBlobWidth => 16384;

    /// <summary>One report ran a 262144-wide output on A19 Pro, so the output-blob cap is disputed there (DIM-OUTBLOB).</summary>
    public bool OutputBlobCapDisputed => Generation >= AneGeneration.H18;

    /// <summary>Rows of a lookup inner product (embedding) the ANE validator accepts (DIM-LOOKUP-NB).</summary>
    public long MaxLookupRows => 32768;

    /// <summary>Largest pooling stride the old Espresso ANE path (A12/A13 generations) accepted (POOL-STRIDE).</summary>
    public int MaxLegacyPoolStride => 2;

    /// <summary>Pooling window on the Espresso ANE path (POOL-KERNEL).</summary>
    public int MaxPoolKernel => 13;

    /// <summary>Pooling window the direct path reports: 29 on M1-class, 31 from h14 (POOL-KERNEL).</summary>
    public int DirectPathPoolWindow => Generation >= AneGeneration.H14 ? 31 : 29;

    /// <summary>Upsampling factor of the old Espresso ANE kernel (UPSAMPLE-SCALE).</summary>
    public double MaxUpsampleFactor => 2;

    /// <summary>Local size of the native LRN bridge (LRN-C15).</summary>
    public long MaxLrnSize => 15;

    /// <summary>States per function that worked on the ANE (STATE-COUNT).</summary>
    public int MaxStates => 2;

    /// <summary>State dimensions must be multiples of this to stay on the ANE (STATE-ALIGN32).</summary>
    public long StateAlignment => 32;

    /// <summary>
    /// The A12/A13 generations, where the hollance-era Espresso restrictions (dilated conv, pooling stride &gt; 2)
    /// were observed and newer guidance ("costly but legal") is not established.
    /// </summary>
    public bool IsLegacyGeneration => Generation <= AneGeneration.H12;

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

using AneCompat.Diagnostics;
using AneCompat.Planning;

namespace AneCompat.Reporting;

/// <summary>
/// segments.txt for LOGDIR: the verdict and one line per segment (like the original ANECompat's segment log), with the
/// tensors copied in from other devices. Plain text, no colour.
/// </summary>
public static class SegmentsTextWriter
{
    public static void Write(Report r, TextWriter w)
    {
        w.WriteLine($"status {(int)r.Status} {r.Status.ToName()}; target {r.Target.Name}; compute units {r.ComputeUnits.ToName()}");
        w.WriteLine($"model {SafeText.Escape(r.Model.Path)}");
        w.WriteLine($"placement {r.Placement.Ops}/{r.Placement.OfOps} compute ops on the ANE; eligibility {r.Eligibility.Ops}/{r.Eligibility.OfOps}");
        w.WriteLine($"segments {r.Segments.Count}; switches {r.Switches}; estimated switch cost {r.EstimatedSwitchMs:0.###} ms + {r.CopyBytes} bytes copied");
        foreach (var s in r.Segments)
        {
            var range = s.FirstOp is null ? $"member {s.Member}" : $"ops #{s.FirstOp}-#{s.LastOp} ({s.OpCount} ops)";
            w.WriteLine($"segment {s.Index} {s.Device.ToLabel()} {SafeText.Escape(s.Function)} {range}");
            foreach (var t in s.Inputs)
                w.WriteLine($"  in {SafeText.Escape(t.Name)} from segment {t.FromSegment} ({(t.Bytes is long b ? b + " bytes" : "size unknown")})");
        }
    }
}

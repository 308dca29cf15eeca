namespace AneCompat.Comparison.PlanComparison;

/// <summary>
/// The small scripts <c>anecompat plan-script</c> prints. Run on a Mac (macOS 14.4+) next to the model, each writes
/// Core ML's own plan — MLComputePlan's preferred and supported devices and estimated cost per op, the compute units
/// and the OS — as the JSON that <see cref="ObservedPlanReader"/> reads (docs/compute-plan.md). Written from Apple's
/// MLComputePlan documentation and coremltools' <c>coremltools.models.compute_plan</c> module documentation.
/// </summary>
public static class PlanScripts
{
    public const string Python = """
        #!/usr/bin/env python3
        # Writes Core ML's own compute plan (MLComputePlan) of a model as JSON for `anecompat compare MODEL PLAN`.
        # Usage: python3 coreml_plan.py MODEL [--compute-units all|cpu-and-ne|cpu-and-gpu|cpu-only] [-o plan.json]
        # Needs macOS 14.4+ and coremltools 8.1+ (pip install coremltools). MODEL: .mlmodelc, .mlpackage or .mlmodel.
        import argparse
        import json
        import platform
        import subprocess
        import sys

        import coremltools as ct
        from coremltools.models.compute_device import MLCPUComputeDevice, MLGPUComputeDevice, MLNeuralEngineComputeDevice
        from coremltools.models.compute_plan import MLComputePlan

        UNITS = {
            "all": ct.ComputeUnit.ALL,
            "cpu-and-ne": ct.ComputeUnit.CPU_AND_NE,
            "cpu-and-gpu": ct.ComputeUnit.CPU_AND_GPU,
            "cpu-only": ct.ComputeUnit.CPU_ONLY,
        }


        def device(d):
            if isinstance(d, MLNeuralEngineComputeDevice):
                return "ane"
            if isinstance(d, MLGPUComputeDevice):
                return "gpu"
            if isinstance(d, MLCPUComputeDevice):
                return "cpu"
            return None


        def usage_fields(usage):
            if usage is None:
                return None, []
            supported = [device(d) for d in usage.supported_compute_devices]
            return device(usage.preferred_compute_device), [s for s in supported if s]


        def program_ops(plan, function, block, out):
            for op in block.operations:
                preferred, supported = usage_fields(plan.get_compute_device_usage_for_mlprogram_operation(op))
                cost = plan.get_estimated_cost_for_mlprogram_operation(op)
                out.append({
                    "function": function,
                    "name": op.outputs[0].name if op.outputs else None,
                    "type": op.operator_name,
                    "preferred": preferred,
                    "supported": supported,
                    "cost": cost.weight if cost is not None else None,
                })
                for inner in op.blocks:
                    program_ops(plan, function, inner, out)


        def structure_ops(plan, structure, out):
            if structure.program is not None:
                for name, function in structure.program.functions.items():
                    program_ops(plan, name, function.block, out)
            elif structure.neuralnetwork is not None:
                for layer in structure.neuralnetwork.layers:
                    preferred, supported = usage_fields(plan.get_compute_device_usage_for_neuralnetwork_layer(layer))
                    out.append({"function": "main", "name": layer.name, "type": layer.type,
                                "preferred": preferred, "supported": supported, "cost": None})
            elif structure.pipeline is not None:
                for sub in structure.pipeline.sub_models:
                    structure_ops(plan, sub, out)


        def chip():
            try:
                out = subprocess.run(["sysctl", "-n", "machdep.cpu.brand_string"], capture_output=True, text=True)
                return out.stdout.strip() or None
            except OSError:
                return None


        def main():
            parser = argparse.ArgumentParser(description="Write Core ML's compute plan of a model as JSON.")
            parser.add_argument("model")
            parser.add_argument("--compute-units", default="all", choices=sorted(UNITS))
            parser.add_argument("-o", "--output", help="JSON file to write (default: standard output)")
            args = parser.parse_args()
            path = args.model.rstrip("/")
            compiled = path if path.endswith(".mlmodelc") else ct.models.utils.compile_model(path)
            plan = MLComputePlan.load_from_path(path=str(compiled), compute_units=UNITS[args.compute_units])
            ops = []
            structure_ops(plan, plan.model_structure, ops)
            document = {
                "format": "anecompat-compute-plan",
                "version": 1,
                "model": args.model,
                "computeUnits": args.compute_units,
                "os": "macOS " + platform.mac_ver()[0],
                "chip": chip(),
                "tool": "coremltools " + ct.__version__,
                "ops": ops,
            }
            text = json.dumps(document, indent=1)
            if args.output:
                with open(args.output, "w") as f:
                    f.write(text + "\n")
            else:
                sys.stdout.write(text + "\n")


        if __name__ == "__main__":
            main()

        """;

    public const string Swift = """
        // Writes Core ML's own compute plan (MLComputePlan) of a model as JSON for `anecompat compare MODEL PLAN`.
        // Usage: swift coreml_plan.swift MODEL [all|cpu-and-ne|cpu-and-gpu|cpu-only] > plan.json
        // Needs macOS 14.4+ (Xcode command line tools). MODEL: .mlmodelc, .mlpackage or .mlmodel.
        import CoreML
        import Foundation

        func fail(_ message: String) -> Never {
            FileHandle.standardError.write(("coreml_plan: " + message + "\n").data(using: .utf8)!)
            exit(1)
        }

        let arguments = CommandLine.arguments
        guard arguments.count >= 2 else { fail("usage: swift coreml_plan.swift MODEL [all|cpu-and-ne|cpu-and-gpu|cpu-only]") }
        let unitsName = arguments.count >= 3 ? arguments[2] : "all"
        let unitsByName: [String: MLComputeUnits] = [
            "all": .all, "cpu-and-ne": .cpuAndNeuralEngine, "cpu-and-gpu": .cpuAndGPU, "cpu-only": .cpuOnly,
        ]
        guard let units = unitsByName[unitsName] else { fail("unknown compute units '\(unitsName)'") }

        func name(of device: MLComputeDevice) -> String? {
            switch device {
            case .cpu: return "cpu"
            case .gpu: return "gpu"
            case .neuralEngine: return "ane"
            @unknown default: return nil
            }
        }

        func entry(function: String, name opName: String?, type: String, usage: MLComputePlan.DeviceUsage?, cost: Double?) -> [String: Any] {
            var e: [String: Any] = ["function": function, "type": type]
            e["name"] = opName ?? NSNull()
            e["preferred"] = usage.flatMap { name(of: $0.preferred) } ?? NSNull()
            e["supported"] = usage.map { $0.supported.compactMap { name(of: $0) } } ?? []
            e["cost"] = cost ?? NSNull()
            return e
        }

        func programOps(_ plan: MLComputePlan, _ function: String, _ block: MLModelStructure.Program.Block, _ out: inout [[String: Any]]) {
            for op in block.operations {
                out.append(entry(function: function, name: op.outputs.first?.name, type: op.operatorName,
                                 usage: plan.deviceUsage(for: op), cost: plan.estimatedCost(of: op)?.weight))
                for inner in op.blocks { programOps(plan, function, inner, &out) }
            }
        }

        func structureOps(_ plan: MLComputePlan, _ structure: MLModelStructure, _ out: inout [[String: Any]]) {
            switch structure {
            case .program(let program):
                for (functionName, function) in program.functions { programOps(plan, functionName, function.block, &out) }
            case .neuralNetwork(let network):
                for layer in network.layers {
                    out.append(entry(function: "main", name: layer.name, type: layer.type, usage: plan.deviceUsage(for: layer), cost: nil))
                }
            case .pipeline(let pipeline):
                for sub in pipeline.subModels { structureOps(plan, sub, &out) }
            default:
                break
            }
        }

        func chip() -> String? {
            var size = 0
            guard sysctlbyname("machdep.cpu.brand_string", nil, &size, nil, 0) == 0, size > 0 else { return nil }
            var bytes = [CChar](repeating: 0, count: size)
            guard sysctlbyname("machdep.cpu.brand_string", &bytes, &size, nil, 0) == 0 else { return nil }
            return String(cString: bytes)
        }

        Task {
            do {
                var url = URL(fileURLWithPath: arguments[1])
                if url.pathExtension != "mlmodelc" { url = try MLModel.compileModel(at: url) }
                let configuration = MLModelConfiguration()
                configuration.computeUnits = units
                let plan = try await MLComputePlan.load(contentsOf: url, configuration: configuration)
                var ops: [[String: Any]] = []
                structureOps(plan, plan.modelStructure, &ops)
                let version = ProcessInfo.processInfo.operatingSystemVersion
                let document: [String: Any] = [
                    "format": "anecompat-compute-plan", "version": 1, "model": arguments[1], "computeUnits": unitsName,
                    "os": "macOS \(version.majorVersion).\(version.minorVersion).\(version.patchVersion)",
                    "chip": chip() ?? NSNull(), "tool": "MLComputePlan", "ops": ops,
                ]
                let data = try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys])
                FileHandle.standardOutput.write(data)
                FileHandle.standardOutput.write("\n".data(using: .utf8)!)
                exit(0)
            } catch {
                fail("\(error)")
            }
        }
        dispatchMain()

        """;
}

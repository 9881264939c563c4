import PipelineEngine
import StageSupport

/// The stage kinds of Wang et al., *ALPINE: Unveiling the Planning Capability of Autoregressive Learning in Language
/// Models* (NeurIPS 2024). A new kind is one file plus one line here.
public enum ALPINEStages {
    public static func register(into registry: inout StageRegistry) {
        registry.register(GraphKind())
        registry.register(PathsKind())
        registry.register(SimplifiedKind())
        registry.register(TrainGPTKind())
        registry.register(EvaluateKind())
        registry.register(WeightsKind())
        registry.register(VerifyKind())
        registry.register(PlotSimplifiedKind())
        registry.register(PlotModelKind())
        registry.register(PlotGridKind())
        registry.register(BlocksworldGraphKind())
        registry.register(BlocksworldPathsKind())
        registry.register(PlotBlocksworldKind())
    }
}

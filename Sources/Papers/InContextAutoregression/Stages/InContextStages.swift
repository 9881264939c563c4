import PipelineEngine
import StageSupport

/// The stage kinds of Sander et al., *How do Transformers Perform In-Context Autoregressive Learning?* (ICML 2024).
/// A new kind is one file (or folder) plus one line here.
public enum InContextStages {
    public static func register(into registry: inout StageRegistry) {
        registry.register(GenerateSequencesKind())
        registry.register(TrainClosedFormKind())
        registry.register(ExtractClosedFormWeightsKind())
        registry.register(VerifyClosedFormKind())
        registry.register(PlotClosedFormKind())
        registry.register(PlotClosedFormSeedsKind())
        registry.register(PlotOrbitsKind())
        registry.register(TrainAugmentedKind())
        registry.register(VerifyAugmentedKind())
        registry.register(PlotAugmentedKind())
        registry.register(PlotAugmentedSeedsKind())
        registry.register(TrainMultiHeadKind())
        registry.register(VerifyMultiHeadKind())
        registry.register(PlotMultiHeadKind())
        registry.register(TrainPositionalKind())
        registry.register(VerifyPositionalKind())
        registry.register(PlotPositionalKind())
        registry.register(FetchPythonPackageKind())
        registry.register(TokenAutoregressionKind())
        registry.register(PlotTokenHistogramKind())
    }
}

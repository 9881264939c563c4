import PipelineEngine

/// The paper's stage kinds. A new kind is one file (or folder) plus one line here.
public enum PaperStages {
    public static func registry() -> StageRegistry {
        var registry = StageRegistry()
        registry.register(GenerateSequencesKind())
        registry.register(TrainClosedFormKind())
        registry.register(ExtractClosedFormWeightsKind())
        registry.register(VerifyClosedFormKind())
        registry.register(PlotClosedFormKind())
        registry.register(PlotOrbitsKind())
        registry.register(TrainAugmentedKind())
        registry.register(VerifyAugmentedKind())
        registry.register(PlotAugmentedKind())
        registry.register(TrainMultiHeadKind())
        registry.register(VerifyMultiHeadKind())
        registry.register(PlotMultiHeadKind())
        registry.register(TrainPositionalKind())
        registry.register(VerifyPositionalKind())
        registry.register(PlotPositionalKind())
        registry.register(FetchPythonPackageKind())
        registry.register(TokenAutoregressionKind())
        registry.register(PlotTokenHistogramKind())
        registry.register(ReportKind())
        EchoStageKind.registerIfRequested(into: &registry)
        return registry
    }
}

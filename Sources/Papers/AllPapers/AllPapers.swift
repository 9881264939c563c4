import PipelineEngine
import StageSupport
import InContextStages
import ALPINEStages

/// Every paper's stage kinds, plus the kinds shared by all papers (the report, which shows each paper by its outline).
/// Adding a paper: its `register` line and its outline in `outlines`.
public enum AllPapers {
    /// The papers in the order the report shows them.
    public static let outlines = [InContextStages.reportOutline, ALPINEStages.reportOutline]

    public static func registry() -> StageRegistry {
        var registry = StageRegistry()
        InContextStages.register(into: &registry)
        ALPINEStages.register(into: &registry)
        StageSupport.register(into: &registry, reportOutlines: outlines)
        EchoStageKind.registerIfRequested(into: &registry)
        return registry
    }
}

import PipelineEngine
import StageSupport
import InContextStages

/// Every paper's stage kinds, plus the kinds shared by all papers (the report). Adding a paper: one line here.
public enum AllPapers {
    public static func registry() -> StageRegistry {
        var registry = StageRegistry()
        InContextStages.register(into: &registry)
        StageSupport.register(into: &registry)
        EchoStageKind.registerIfRequested(into: &registry)
        return registry
    }
}

import PipelineEngine

/// Stage kinds that belong to no paper.
public enum StageSupport {
    public static func register(into registry: inout StageRegistry, reportOutlines outlines: [ReportOutline]) {
        registry.register(ReportKind(outlines: outlines))
    }
}

@testable import PipelineEngine

/// A registry with the engine's test kind only, and a loader helper.
func testRegistry() -> StageRegistry {
    var registry = StageRegistry()
    registry.register(EchoStageKind())
    registry.register(GatherStageKind())
    return registry
}

func load(_ text: String, profile: String? = nil, overrides: [String] = []) throws -> Pipeline {
    try PipelineLoader(registry: testRegistry()).load(text: text, profile: profile,
                                                      overrides: overrides.map(ParameterOverride.init(parsing:)))
}

/// The message of the validation error `text` raises.
func validationMessage(_ text: String, profile: String? = nil, overrides: [String] = []) -> String? {
    do {
        _ = try load(text, profile: profile, overrides: overrides)
        return nil
    } catch let error as PipelineError {
        return error.category == .invalidSpecification ? error.message : "wrong category: \(error.message)"
    } catch {
        return "unexpected \(error)"
    }
}

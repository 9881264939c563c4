/// Thrown by every training loop the moment its loss stops being a finite number, so a diverging run ends with one
/// message (the engine prefixes the stage name) and nothing is committed.
public struct TrainingDiverged: Error, CustomStringConvertible {
    public let step: Int
    public let loss: Double

    public init(step: Int, loss: Double) {
        self.step = step
        self.loss = loss
    }

    public var description: String {
        "training diverged at step \(step): loss = \(loss) (lower the learning rate, or check the inputs)"
    }

    /// Throws unless `loss` is finite.
    public static func check(_ loss: Double, step: Int) throws {
        if !loss.isFinite { throw TrainingDiverged(step: step, loss: loss) }
    }
}

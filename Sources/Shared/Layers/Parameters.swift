import NumericCore

/// One trainable tensor, its gradient, and whether weight decay applies to it (AdamW's parameter groups).
public final class Parameter<Scalar: BLASScalar> {
    public let name: String
    public let value: Tensor<Scalar>
    public let gradient: Tensor<Scalar>
    public let decays: Bool

    public init(name: String, shape: [Int], decays: Bool) {
        self.name = name
        value = Tensor(shape)
        gradient = Tensor(shape)
        self.decays = decays
    }

    public var shape: [Int] { value.shape }
    public var count: Int { value.count }
}

/// The parameters of a model in the order they were made: the order of checkpoints, of the optimiser's moments and
/// of every reduction over parameters (so a global norm does not depend on anything but this order).
public final class ParameterSet<Scalar: BLASScalar> {
    public private(set) var parameters: [Parameter<Scalar>] = []

    public init() {}

    /// Makes a parameter; names are unique because a checkpoint is read back by name.
    public func make(_ name: String, shape: [Int], decays: Bool) -> Parameter<Scalar> {
        precondition(!parameters.contains { $0.name == name }, "ParameterSet: \(name) made twice")
        let parameter = Parameter<Scalar>(name: name, shape: shape, decays: decays)
        parameters.append(parameter)
        return parameter
    }

    public subscript(name: String) -> Parameter<Scalar>? { parameters.first { $0.name == name } }

    public var scalarCount: Int { parameters.reduce(0) { $0 + $1.count } }

    public func zeroGradients() { for parameter in parameters { parameter.gradient.fill(0) } }

    /// ‖g‖₂ over every gradient, summed in Double in parameter order.
    public func gradientNorm() -> Double {
        var sum = 0.0
        for parameter in parameters { sum += Scalar.sumOfSquares(parameter.gradient.pointer, count: parameter.count) }
        return sum.squareRoot()
    }

    /// Fills every value with N(0, std²) from `generator`, in parameter order; `std` may depend on the parameter.
    public func initialiseNormal(_ generator: inout SeededGenerator, std: (Parameter<Scalar>) -> Double?) {
        for parameter in parameters {
            guard let deviation = std(parameter) else { continue }
            for i in 0..<parameter.count { parameter.value[i] = Scalar(deviation * generator.nextGaussian()) }
        }
    }

    /// True when every value and every gradient is a finite number.
    public var isFinite: Bool {
        parameters.allSatisfy { p in (0..<p.count).allSatisfy { p.value[$0].isFinite && p.gradient[$0].isFinite } }
    }
}

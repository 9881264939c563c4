import AugmentedTransformer
import NumericCore
import Testing

@Suite struct GradientCheckTests {
    /// Random parameters of every tensor (LayerNorm weight around 1), so no gradient vanishes by symmetry.
    static func randomParameters(layers: Int, dimension: Int, seed: UInt64) -> TransformerParameters<Double> {
        var generator = SeededGenerator(seed: seed)
        var parameters = TransformerParameters<Double>.zeros(layerCount: layers, width: 3 * dimension)
        for index in 0..<parameters.tensors.count {
            parameters.tensors[index] = parameters.tensors[index].map { _ in generator.nextUniform() - 0.5 }
        }
        for layer in 0..<layers {
            parameters[layer, .normWeight] = parameters[layer, .normWeight].map { 1 + $0 }
        }
        return parameters
    }

    /// Every entry of every parameter tensor against central differences, in Float64.
    @Test(arguments: [1, 2, 3])
    func gradientMatchesCentralDifferences(layers: Int) {
        let data = HaarSequences.make(count: 3, tokenCount: 6, dimension: 2, seed: 11)
        let network = AugmentedTransformerNetwork<Double>(layerCount: layers, dimension: 2,
                                                         positions: data.shape.positions, capacity: 3)
        data.values.withUnsafeBufferPointer {
            network.load(sequences: $0, shape: data.shape, indices: 0..<3)
        }
        let parameters = Self.randomParameters(layers: layers, dimension: 2, seed: 5 + UInt64(layers))
        let (_, gradient) = network.lossAndGradient(parameters: parameters)
        let step = 1e-5
        for index in 0..<parameters.tensors.count {
            var numeric = [Double](repeating: 0, count: parameters.tensors[index].count)
            for entry in 0..<numeric.count {
                var plus = parameters, minus = parameters
                plus.tensors[index][entry] += step
                minus.tensors[index][entry] -= step
                numeric[entry] = (network.loss(parameters: plus) - network.loss(parameters: minus)) / (2 * step)
            }
            let analytic = gradient.tensors[index]
            let difference = zip(analytic, numeric).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
            let scale = numeric.reduce(0) { $0 + $1 * $1 }.squareRoot()
            // Central differences have error O(step²) ≈ 1e-10 relative to the curvature; 1e-6 leaves a wide margin
            // yet catches any wrong term (those give O(1) relative errors).
            #expect(scale > 1e-8, "tensor \(parameters.tensorNames[index]) has a vanishing gradient")
            #expect(difference <= 1e-6 * scale, "tensor \(parameters.tensorNames[index]): \(difference) vs \(scale)")
        }
    }

    /// The Float32 specialisation (the one that trains) computes the same loss and gradient as the checked Float64 one.
    @Test func floatAgreesWithDouble() {
        let data = HaarSequences.make(count: 4, tokenCount: 8, dimension: 3, seed: 3)
        let parameters = Self.randomParameters(layers: 2, dimension: 3, seed: 9)
        let double = AugmentedTransformerNetwork<Double>(layerCount: 2, dimension: 3, positions: 7, capacity: 4)
        let float = AugmentedTransformerNetwork<Float>(layerCount: 2, dimension: 3, positions: 7, capacity: 4)
        data.values.withUnsafeBufferPointer { double.load(sequences: $0, shape: data.shape, indices: 0..<4) }
        data.values.map { Float($0) }.withUnsafeBufferPointer {
            float.load(sequences: $0, shape: data.shape, indices: 0..<4)
        }
        let (lossDouble, gradientDouble) = double.lossAndGradient(parameters: parameters)
        let (lossFloat, gradientFloat) = float.lossAndGradient(parameters: parameters.converted(to: Float.self))
        #expect(abs(lossFloat - lossDouble) <= 1e-5 * lossDouble)
        for index in 0..<parameters.tensors.count {
            let d = gradientDouble.tensors[index], f = gradientFloat.tensors[index].map { Double($0) }
            let difference = zip(d, f).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
            let scale = d.reduce(0) { $0 + $1 * $1 }.squareRoot()
            // Float32 rounding (~6e-8 per operation over a few dozen operations per entry).
            #expect(difference <= 1e-4 * scale, "tensor \(parameters.tensorNames[index])")
        }
    }

    /// Splitting the batch over threads changes no bit of the loss or the gradient (reductions are in fixed order).
    @Test func workerCountDoesNotChangeResults() {
        let data = HaarSequences.make(count: 7, tokenCount: 6, dimension: 3, seed: 12)
        let sequences = data.values.map { Float($0) }
        let parameters = Self.randomParameters(layers: 2, dimension: 3, seed: 4).converted(to: Float.self)
        let results = [1, 3].map { workers -> (Double, TransformerParameters<Float>) in
            let network = AugmentedTransformerNetwork<Float>(layerCount: 2, dimension: 3, positions: 5, capacity: 7,
                                                             workerCount: workers)
            sequences.withUnsafeBufferPointer { network.load(sequences: $0, shape: data.shape, indices: 0..<7) }
            return network.lossAndGradient(parameters: parameters)
        }
        #expect(results[0].0.bitPattern == results[1].0.bitPattern)
        #expect(results[0].1 == results[1].1)
    }
}

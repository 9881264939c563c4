import Numerics
import Testing

@Suite struct AdamTests {
    /// Two steps worked by hand from PyTorch's Adam (lr 0.1, β = 0.9, 0.999, ε = 1e-8), θ = (1, −2),
    /// g₁ = (0.5, −1), g₂ = (0.1, 0.3):
    ///   step 1: m̂ = g₁, v̂ = g₁², so θ ← θ − 0.1·g₁/(|g₁| + ε) = (0.900000002, −1.900000001);
    ///   step 2, first coordinate: m = 0.9·0.05 + 0.1·0.1 = 0.055, v = 0.999·0.00025 + 0.001·0.01 = 0.00025975,
    ///   m̂ = 0.055/0.19, v̂ = 0.00025975/0.001999, θ ← 0.900000002 − 0.1·m̂/(√v̂ + ε) = 0.81969591;
    ///   second coordinate likewise: −1.85721514.
    @Test func twoStepsMatchTheHandComputation() {
        var adam = Adam(parameterCounts: [2], learningRate: 0.1)
        var theta: [Float] = [1, -2]
        adam.beginStep()
        adam.update(0, parameters: &theta, gradient: [0.5, -1])
        #expect(abs(theta[0] - 0.900000002) < 1e-6 && abs(theta[1] + 1.900000001) < 1e-6, "\(theta)")
        adam.beginStep()
        adam.update(0, parameters: &theta, gradient: [0.1, 0.3])
        // Float32 rounding of the moments bounds the agreement at a few ulps of θ.
        #expect(abs(theta[0] - 0.81969591) < 2e-6, "\(theta)")
        #expect(abs(theta[1] + 1.85721514) < 2e-6, "\(theta)")
    }
}

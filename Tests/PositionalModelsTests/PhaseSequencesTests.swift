import ComplexModule
import RealModule
import NumericCore
import PositionalModels
import Testing

@Test func phaseSequencesFollowTheRecurrence() {
    var generator = SeededGenerator(seed: 1)
    let mu = 7.0
    let angles = PhaseSequences.sampleAngles(count: 20, generator: &generator)
    let sequences = PhaseSequences(angles: angles, mu: mu, steps: 12)
    #expect(sequences.tokens == 13)
    #expect(angles.allSatisfy { $0 >= 0 && $0 < 2 * Double.pi })
    for i in 0..<sequences.count {
        // s_0 = 1
        #expect(sequences[i, 0] == Complex(1))
        let lambda = Complex(length: 1, phase: angles[i] / mu)
        for t in 0..<12 {
            // s_{t+1} = λ s_t, |s_t| = 1
            #expect((sequences[i, t + 1] - lambda * sequences[i, t]).lengthSquared < 1e-26)
            #expect(abs(sequences[i, t].lengthSquared - 1) < 1e-14)
        }
    }
}

@Test func phaseSequencesFromValuesMatchFromAngles() {
    var generator = SeededGenerator(seed: 2)
    let sampled = PhaseSequences.sample(count: 5, mu: 3, steps: 4, generator: &generator)
    let copy = PhaseSequences(count: 5, tokens: 5, real: sampled.real, imaginary: sampled.imaginary)
    #expect(copy.real == sampled.real && copy.imaginary == sampled.imaginary)
    // The second draw of the same seed gives the same angles.
    var again = SeededGenerator(seed: 2)
    #expect(PhaseSequences.sample(count: 5, mu: 3, steps: 4, generator: &again).real == sampled.real)
}

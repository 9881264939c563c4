import Foundation
import Testing
@testable import PipelineEngine

@Suite struct KeyTests {
    let ingredients = KeyIngredients(kind: "k", version: 1, parameters: #"{"lr":0.01}"#, inputs: ["a": "abc"])

    @Test func canonicalTextIsDocumentedForm() {
        #expect(ingredients.canonicalText == #"{"inputs":{"a":"abc"},"kind":"k","parameters":{"lr":0.01},"version":1}"#)
        #expect(ingredients.key == SHA256Hasher.hex(of: ingredients.canonicalText))
        #expect(ingredients.key.count == 64)
    }

    @Test func everyIngredientChangesTheKey() {
        let variants = [
            KeyIngredients(kind: "k2", version: 1, parameters: #"{"lr":0.01}"#, inputs: ["a": "abc"]),
            KeyIngredients(kind: "k", version: 2, parameters: #"{"lr":0.01}"#, inputs: ["a": "abc"]),
            KeyIngredients(kind: "k", version: 1, parameters: #"{"lr":0.02}"#, inputs: ["a": "abc"]),
            KeyIngredients(kind: "k", version: 1, parameters: #"{"lr":0.01}"#, inputs: ["a": "abd"]),
            KeyIngredients(kind: "k", version: 1, parameters: #"{"lr":0.01}"#, inputs: ["b": "abc"]),
            KeyIngredients(kind: "k", version: 1, parameters: #"{"lr":0.01}"#, inputs: ["a": "abc"],
                           toolchain: ["blas_core": "Haswell"]),
            KeyIngredients(kind: "k", version: 1, parameters: #"{"lr":0.01}"#, inputs: ["a": "abc"],
                           toolchain: ["blas_core": "SkylakeX"]),
        ]
        #expect(Set(variants.map(\.key) + [ingredients.key]).count == variants.count + 1)
    }

    @Test func toolchainSitsInTheKeyTextInSortedOrder() {
        let keyed = KeyIngredients(kind: "k", version: 1, parameters: "{}", inputs: [:],
                                   toolchain: ["hdf5": "1.10.8", "blas_core": "Haswell"])
        #expect(keyed.canonicalText == #"{"inputs":{},"kind":"k","parameters":{},"toolchain":{"blas_core":"Haswell","hdf5":"1.10.8"},"version":1}"#)
        // What the text says must parse back as the same canonical JSON (the stage process re-reads it).
        #expect(CanonicalJSON.encode(try! JSONParser.parse(keyed.canonicalText)) == keyed.canonicalText)
    }

    @Test func recordsWrittenBeforeTheToolchainDecodeWithNone() throws {
        let old = #"{"kind":"k","version":1,"parameters":"{}","inputs":{}}"#
        let decoded = try JSONDecoder().decode(KeyIngredients.self, from: Data(old.utf8))
        #expect(decoded.toolchain.isEmpty)
    }

    @Test func integerAndDecimalSpellingsOfANumberParameterGiveOneKey() throws {
        let one = try load(#"{"stages": {"a": {"kind": "test-echo", "params": {"sleep_seconds": 1}}}}"#)
        let other = try load(#"{"stages": {"a": {"kind": "test-echo", "params": {"sleep_seconds": 1.0}}}}"#)
        #expect(one.stage("a")!.parameters.canonicalJSON == other.stage("a")!.parameters.canonicalJSON)
    }

    @Test func sha256MatchesKnownVectors() {
        // FIPS 180-2 test vectors.
        #expect(SHA256Hasher.hex(of: "abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256Hasher.hex(of: "") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }
}

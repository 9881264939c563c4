import Foundation
import NumericCore
import Testing
import TokenEmbeddings

@Suite struct SafetensorsTests {
    typealias Files = SafetensorsTestFiles

    @Test func readsFloat32TensorsBitExactFromMemoryAndDisk() throws {
        let table = Files.randomFloats(7 * 5, seed: 1)
        let bias = Files.randomFloats(5, seed: 2)
        let bytes = Files.file([
            .init(name: "bias", dataType: "F32", shape: [5], bytes: Files.float32Bytes(bias)),
            .init(name: "embeddings.word_embeddings.weight", dataType: "F32", shape: [7, 5],
                  bytes: Files.float32Bytes(table)),
        ], metadata: ["format": "pt"])
        let path = try Files.temporaryFile(bytes, name: "f32")
        defer { try? FileManager.default.removeItem(atPath: path) }

        for file in [try SafetensorsFile(bytes: bytes), try SafetensorsFile(path: path)] {
            #expect(file.header.metadata == ["format": "pt"])
            #expect(Set(file.header.tensors.keys) == ["bias", "embeddings.word_embeddings.weight"])
            let tensor = try file.floatTensor(named: "embeddings.word_embeddings.weight")
            #expect(tensor.shape == [7, 5])
            #expect(tensor.values.map(\.bitPattern) == table.map(\.bitPattern))
            #expect(try file.floatTensor(named: "bias").values == bias)
        }
    }

    @Test func float32IsLittleEndian() throws {
        // 1.0f = 0x3F800000 and -2.0f = 0xC0000000 by the IEEE 754 layout; stored lowest byte first.
        let bytes = Files.file([.init(name: "x", dataType: "F32", shape: [2], bytes: [0, 0, 0x80, 0x3F, 0, 0, 0, 0xC0])])
        #expect(try SafetensorsFile(bytes: bytes).floatTensor(named: "x").values == [1, -2])
    }

    @Test func halfPrecisionFollowsIEEE754() {
        // binary16: sign bit, 5 exponent bits (bias 15), 10 mantissa bits.
        #expect(HalfPrecision.float(fromHalf: 0x3C00) == 1)                      // 2^0
        #expect(HalfPrecision.float(fromHalf: 0xC000) == -2)                     // -2^1
        #expect(HalfPrecision.float(fromHalf: 0x3555) == 0x1.554p-2)             // (1 + 0x155/1024) · 2^-2
        #expect(HalfPrecision.float(fromHalf: 0x7BFF) == (2 - 0x1p-10) * 0x1p15) // largest normal
        #expect(HalfPrecision.float(fromHalf: 0x0001) == 0x1p-24)                // smallest subnormal
        #expect(HalfPrecision.float(fromHalf: 0x03FF) == 1023 * 0x1p-24)         // largest subnormal
        #expect(HalfPrecision.float(fromHalf: 0x8000).sign == .minus)
        #expect(HalfPrecision.float(fromHalf: 0x8000) == 0)
        #expect(HalfPrecision.float(fromHalf: 0x7C00) == .infinity)
        #expect(HalfPrecision.float(fromHalf: 0xFC00) == -.infinity)
        #expect(HalfPrecision.float(fromHalf: 0x7E00).isNaN)
        #if !(os(macOS) && arch(x86_64))
        // Where the platform has Float16, every one of the 65536 bit patterns must agree with it.
        for bits in UInt16.min...UInt16.max {
            let ours = HalfPrecision.float(fromHalf: bits)
            let platform = Float(Float16(bitPattern: bits))
            #expect(ours.bitPattern == platform.bitPattern || (ours.isNaN && platform.isNaN), "bits \(bits)")
        }
        #endif
    }

    @Test func readsFloat16AndBFloat16() throws {
        let halves: [UInt16] = [0x3C00, 0xC000, 0x0001, 0x7BFF]
        let brains = Files.randomFloats(6, seed: 3).map { Float(bitPattern: $0.bitPattern & 0xFFFF_0000) }
        let bytes = Files.file([
            .init(name: "half", dataType: "F16", shape: [2, 2], bytes: halves.flatMap(Files.littleEndianBytes)),
            .init(name: "brain", dataType: "BF16", shape: [3, 2],
                  bytes: brains.flatMap { Files.littleEndianBytes(UInt16($0.bitPattern >> 16)) }),
        ])
        let file = try SafetensorsFile(bytes: bytes)
        let half = try file.floatTensor(named: "half")
        #expect(half.shape == [2, 2])
        #expect(half.values == halves.map(HalfPrecision.float(fromHalf:)))
        #expect(try file.floatTensor(named: "brain").values == brains)
    }

    @Test func reportsMalformedFiles() throws {
        let good = Files.Entry(name: "w", dataType: "F32", shape: [2, 3], bytes: Files.float32Bytes(Array(repeating: 1, count: 6)))

        func error(_ bytes: [UInt8]) -> SafetensorsError? {
            do {
                _ = try SafetensorsFile(bytes: bytes).floatTensor(named: "w")
                return nil
            } catch let error as SafetensorsError {
                #expect(!error.description.isEmpty)
                return error
            } catch {
                Issue.record("unexpected error \(error)")
                return nil
            }
        }

        // Fewer than the 8 bytes of the length.
        #expect(error([1, 2, 3]) == .truncated(expectedBytes: 8, actualBytes: 3))
        // A length beyond the end of the file.
        var tooLong = Files.file([good])
        tooLong[0] = 0xFF
        tooLong[1] = 0xFF
        guard case .implausibleHeaderLength? = error(tooLong) else { Issue.record("header length not caught"); return }
        // Not JSON, or JSON of the wrong shape.
        guard case .malformedHeader? = error(Files.file(json: "{\"w\": [1, 2", data: [])) else {
            Issue.record("broken JSON not caught"); return
        }
        guard case .malformedHeader? = error(Files.file(json: "[1, 2]", data: [])) else {
            Issue.record("non-object header not caught"); return
        }
        guard case let .malformedHeader(reason)? = error(
            Files.file(json: "{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", data: [0, 0, 0, 0])) else {
            Issue.record("missing data_offsets not caught"); return
        }
        #expect(reason.contains("data_offsets"))
        // Unknown element type.
        var unknown = good
        unknown.dataType = "F7"
        #expect(error(Files.file([unknown])) == .unsupportedDataType(tensor: "w", dataType: "F7"))
        // Shape and byte count disagree.
        var wrongShape = good
        wrongShape.shape = [3, 3]
        guard case .inconsistentTensor(tensor: "w", _)? = error(Files.file([wrongShape])) else {
            Issue.record("shape mismatch not caught"); return
        }
        // Offsets past the end of the data.
        var pastEnd = good
        pastEnd.offsets = [4, 28]
        guard case .inconsistentTensor(tensor: "w", _)? = error(Files.file([pastEnd])) else {
            Issue.record("offsets past the end not caught"); return
        }
        // Two tensors sharing bytes.
        var overlapping = good
        overlapping.name = "v"
        overlapping.offsets = [0, 24]
        overlapping.bytes = []
        guard case .inconsistentTensor? = error(Files.file([good, overlapping])) else {
            Issue.record("overlap not caught"); return
        }
        // Missing tensor, and a tensor that is not floating point.
        #expect(error(Files.file([.init(name: "v", dataType: "F32", shape: [1], bytes: [0, 0, 0, 0])]))
            == .missingTensor("w", available: ["v"]))
        #expect(error(Files.file([.init(name: "w", dataType: "I64", shape: [1], bytes: Array(repeating: 0, count: 8))]))
            == .notFloatingPoint(tensor: "w", dataType: "I64"))
    }

    @Test func reportsFilesThatCannotBeRead() throws {
        #expect(throws: SafetensorsError.self) { try SafetensorsFile(path: "/nonexistent/icar/model.safetensors") }
        let path = try Files.temporaryFile([1, 0, 0], name: "short")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: SafetensorsError.truncated(expectedBytes: 8, actualBytes: 3)) { try SafetensorsFile(path: path) }
    }
}

import Foundation
import HDF5
import Testing

@Suite struct HDF5FileTests {
    /// The same data written twice, more than a second apart, must give the same bytes: no timestamps in any
    /// object header, including groups created for nested dataset names.
    @Test func sameDataWrittenTwiceGivesIdenticalBytes() throws {
        let directory = NSTemporaryDirectory() + "icar-hdf5-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        func write(_ name: String) throws -> Data {
            let file = try HDF5File.create(directory + "/" + name)
            try file.write("train/sequences", [1.0, 2.0, 3.0, 4.0], shape: [2, 2])
            try file.write("test/deeper/values", [Float(1), 2], shape: [2])
            try file.setAttribute("family", "haar")
            try file.setAttribute("steps", 3, on: "train/sequences")
            try file.close()
            return try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name))
        }
        let first = try write("a.h5")
        // Object times have a resolution of one second.
        Thread.sleep(forTimeInterval: 1.1)
        let second = try write("b.h5")
        #expect(first == second)
        let file = try HDF5File.open(directory + "/a.h5")
        #expect(try file.readDoubles("train/sequences").values == [1, 2, 3, 4])
        #expect(try file.readFloats("test/deeper/values").shape == [2])
        #expect(try file.stringAttribute("family") == "haar")
        #expect(try file.intAttribute("steps", on: "train/sequences") == 3)
    }
}

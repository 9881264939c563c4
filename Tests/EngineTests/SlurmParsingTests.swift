import Testing
@testable import PipelineEngine

/// The Slurm client output the executor reads, in the formats Debian's Slurm 22.05 prints (scripts/slurm-up's cluster).
@Suite struct SlurmParsingTests {
    @Test func sbatchParsableGivesTheJobIDWithOrWithoutACluster() {
        #expect(SlurmCommands.parseSubmission("42\n") == "42")
        #expect(SlurmCommands.parseSubmission("42;cluster\n") == "42")
        #expect(SlurmCommands.parseSubmission("sbatch: error: Batch job submission failed\n") == nil)
        #expect(SlurmCommands.parseSubmission("") == nil)
    }

    @Test func squeueLinesGiveStateReasonAndNameInAnyOrder() {
        let states = SlurmCommands.parseQueue("15|TIMEOUT|TimeLimit|icar-a\n3|PENDING|Resources|icar-fig|odd\n\n")
        #expect(states["15"] == SlurmJobState(state: "TIMEOUT", reason: "TimeLimit", name: "icar-a"))
        #expect(states["3"] == SlurmJobState(state: "PENDING", reason: "Resources", name: "icar-fig|odd"))
        #expect(states["15"]!.isFinal && !states["3"]!.isFinal)
        #expect(!SlurmJobState(state: "COMPLETING", reason: "None").isFinal)
        #expect(!SlurmJobState(state: "UNREACHABLE", reason: "connect failure").isFinal)
        #expect(SlurmJobState(state: "OUT_OF_MEMORY", reason: "OutOfMemory").isFinal)
    }

    @Test func scontrolRecordGivesStateReasonAndName() {
        let line = "JobId=14 JobName=icar-a UserId=root(0) JobState=TIMEOUT Reason=TimeLimit Dependency=(null) ExitCode=0:15 DerivedExitCode=0:0\n"
        #expect(SlurmCommands.parseJobRecord(line) == SlurmJobState(state: "TIMEOUT", reason: "TimeLimit", name: "icar-a"))
        #expect(SlurmCommands.parseJobRecord("slurm_load_jobs error: Invalid job id specified") == nil)
    }

    @Test func requestsComeFromTheKindsEstimates() {
        let small = SlurmResources.estimated(seconds: 0, peakBytes: 0)
        #expect(small == SlurmResources(cpus: 2, memoryMegabytes: 1024, minutes: 5))
        let training = SlurmResources.estimated(seconds: 600, peakBytes: 4e9)
        #expect(training == SlurmResources(cpus: 2, memoryMegabytes: 8000, minutes: 35))
    }
}

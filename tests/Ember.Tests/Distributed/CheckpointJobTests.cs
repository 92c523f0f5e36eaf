using Xunit;

namespace Ember.Tests.Distributed;

/// <summary>
/// DistributedCheckpoint in real MPI jobs (tests/Ember.DistChild/Scenarios.Checkpoint.cs): saved by rank 0 in the
/// middle of an epoch, loaded by every rank, the run resumes with each rank's generator and the sampler's
/// position and ends bit for bit where the uninterrupted run does.
/// </summary>
[Collection("mpi jobs")]
public class CheckpointJobTests
{
    [MpiFact]
    public void ResumesBitForBitOnTwoRanks() => MpiJob.RunOk(2, "checkpoint", Path.Combine(Ember.Tests.Serialization.Fixtures.TempDir(), "ddp.pt"));

    [MpiFact]
    public void ResumesBitForBitOnThreeRanks() => MpiJob.RunOk(3, "checkpoint", Path.Combine(Ember.Tests.Serialization.Fixtures.TempDir(), "ddp.pt"));
}

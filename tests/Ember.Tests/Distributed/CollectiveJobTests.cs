using Xunit;

namespace Ember.Tests.Distributed;

/// <summary>
/// Real MPI jobs on this machine: every collective on every dtype, checked by each rank against values
/// worked out by hand (tests/Ember.DistChild/Scenarios.cs); MPI's errors as exceptions; a rank that throws
/// ends the job instead of leaving the others waiting.
/// </summary>
[Collection("mpi jobs")]
public class CollectiveJobTests
{
    [MpiFact]
    public void EveryCollectiveOnEveryDTypeOnTwoRanks() => MpiJob.RunOk(2, "collectives");

    [MpiFact]
    public void EveryCollectiveOnEveryDTypeOnThreeRanks() => MpiJob.RunOk(3, "collectives");

    [MpiFact]
    public void WithoutMpirunTheProgramIsAWorldOfOne() => MpiJob.RunOk(0, "collectives");

    [MpiFact]
    public void AMissingMpiLibraryIsNamedWithWhatWasTried()
    {
        var r = MpiJob.Run(0, "collectives", 120, new Dictionary<string, string> { ["EMBER_MPI_LIBRARY"] = "/nonexistent/libmpi.so.40" });
        Assert.True(r.ExitCode != 0, $"the program should have failed: {r}");
        Assert.Contains("the MPI library was not found (tried /nonexistent/libmpi.so.40)", r.Error);
        Assert.Contains("apt-get install openmpi-bin", r.Error);
    }

    [MpiFact]
    public void ErrorsNameTheCollectiveTheRankAndMpisMessage()
    {
        var r = MpiJob.RunOk(2, "errors");
        Assert.Contains("rank 1: MPI error: broadcast failed on rank 1: MPI: MPI_ERR_ROOT: invalid root", r.Output);
        Assert.Contains("all_gather: tensor_list has 1 tensors; expected 2 (the group's size)", r.Output);
    }

    [MpiFact]
    public void ARankThatThrowsEndsTheJobInsteadOfHanging()
    {
        // Rank 1 throws while ranks 0 and 2 wait in an all-reduce for it; without MPI_Abort they would wait for ever.
        var r = MpiJob.Run(3, "throw", timeoutSeconds: 120);
        Assert.True(r.ExitCode != 0, $"the job should have failed: {r}");
        Assert.Contains("rank 1 of 3: unhandled exception; aborting the job", r.Error);
        Assert.Contains("scenario throw: rank 1 fails on purpose", r.Error);
        Assert.DoesNotContain("throw ok", r.Output);
    }
}

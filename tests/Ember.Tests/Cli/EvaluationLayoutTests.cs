using Ember.Cli;
using Spectre.Console.Testing;
using Xunit;

namespace Ember.Tests.Cli;

/// <summary>
/// Issue 12, item 8: the per-class table and the confusion matrix of <c>ember eval</c>/<c>train</c> fit
/// in 80 columns (a piped stdout's width) with every class name whole and every row on one line, for the
/// class names of the three datasets the command knows.
/// </summary>
public class EvaluationLayoutTests
{
    public static TheoryData<string[]> DatasetClasses() => new()
    {
        new[] { "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck" },
        new[] { "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot" },
        new[] { "0 - zero", "1 - one", "2 - two", "3 - three", "4 - four", "5 - five", "6 - six", "7 - seven", "8 - eight", "9 - nine" },
    };

    // 1,000 test images per class, most right, the rest spread over the other classes: 4-digit cells like a real run.
    private static Evaluation Filled(string[] classes)
    {
        var eval = new Evaluation(classes);
        int n = classes.Length;
        for (int t = 0; t < n; t++)
        {
            var logits = new float[1000, n];
            var labels = new long[1000];
            for (int i = 0; i < 1000; i++)
            {
                labels[i] = t;
                int predicted = i < 860 ? t : (t + 1 + i % (n - 1)) % n;
                logits[i, predicted] = 1;
            }
            eval.Add(Tensor.From(logits), Tensor.From(labels));
        }
        return eval;
    }

    [Theory]
    [MemberData(nameof(DatasetClasses))]
    public void TablesFitIn80ColumnsWithWholeClassNames(string[] classes)
    {
        var console = new TestConsole().Width(80);
        var eval = Filled(classes);
        eval.Print(console);
        string[] lines = console.Output.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();

        Assert.All(lines, l => Assert.True(l.Length <= 80, $"{l.Length} columns: '{l}'"));
        Assert.DoesNotContain("…", console.Output);
        Assert.Contains("Accuracy of the network on the 10000 test images: 86.00 %", console.Output);
        for (int c = 0; c < classes.Length; c++)
        {
            // Per-class table: the whole name and its accuracy on one line.
            Assert.Contains(lines, l => l.Contains(classes[c]) && l.Contains("86.0 %") && l.Contains("1000"));
            // Confusion matrix: the row numbered and named, with all ten counts on the same line.
            string row = Assert.Single(lines, l => l.TrimStart().StartsWith($"{c} {classes[c]} ", StringComparison.Ordinal));
            Assert.Equal(classes.Length, row[(row.IndexOf(classes[c], StringComparison.Ordinal) + classes[c].Length)..]
                .Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
            Assert.Contains(" 860", row);
        }
        // The columns' header: the class numbers, right above the counts.
        Assert.Contains(lines, l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).SequenceEqual(Enumerable.Range(0, classes.Length).Select(i => i.ToString())));
    }

    [Fact]
    public void TooManyClassesForTheWidthListTheLargestConfusionsInstead()
    {
        string[] classes = [.. Enumerable.Range(0, 40).Select(i => $"class {i}")];
        var eval = Filled(classes);
        var lines = eval.ConfusionLines(80);
        Assert.StartsWith("Most frequent confusions (40 classes", lines[0]);
        Assert.All(lines, l => Assert.True(l.Length <= 80, l));
        Assert.Equal(11, lines.Count);
        Assert.Contains(" taken for class ", lines[1]);
    }
}

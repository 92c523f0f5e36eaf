using System.CommandLine;
using Ember.NN;
using Ember.Vision;
using Ember.Vision.Transforms;
using Spectre.Console;

namespace Ember.Cli;

/// <summary><c>ember predict</c>: the class of one image file and the probability of each class.</summary>
internal static class PredictCommand
{
    public static Command Create()
    {
        var checkpoint = new Argument<string>("checkpoint") { Description = "a checkpoint written by `ember train`" };
        var image = new Argument<string>("image") { Description = "a PNG, JPEG or BMP image; resized to the model's input size" };
        var command = new Command("predict", "Classify one image file with a checkpoint.") { checkpoint, image };
        command.SetAction(pr => Cli.Run(() =>
        {
            string checkpointPath = pr.GetValue(checkpoint)!, path = pr.GetValue(image)!;
            Cli.RequireFile(checkpointPath, "checkpoint");
            Cli.RequireFile(path, "image");
            var (header, model) = CliCheckpoint.Load(checkpointPath);
            Tensor raw;
            try { raw = ImageIO.LoadImage(path, grayscale: header.Channels == 1); }
            catch (InvalidDataException e) { throw new CliException(e.Message); }
            var channels = Enumerable.Repeat(0.5, header.Channels).ToArray();
            var transform = new Compose(new ToTensor(), new Resize([header.Size, header.Size]), new Normalize(channels, channels));
            var x = transform.Apply(raw).Unsqueeze(0);
            model.Eval();
            Tensor probs;
            using (Autograd.NoGrad()) probs = F.Softmax(model.Call(x), 1)[0];
            float[] p = probs.ToArray<float>();
            int best = Array.IndexOf(p, p.Max());
            Cli.Out.MarkupLine($"[bold]{Markup.Escape(header.Classes[best])}[/] ({100 * p[best]:F1} %)");
            var chart = new BarChart().Width(60).Label("class probabilities");
            foreach (int c in Enumerable.Range(0, p.Length).OrderByDescending(c => p[c]))
                chart.AddItem(Markup.Escape(header.Classes[c]), Math.Round(100 * p[c], 1), c == best ? Color.Green : Color.Grey);
            Cli.Out.Write(chart);
            return 0;
        }));
        return command;
    }
}

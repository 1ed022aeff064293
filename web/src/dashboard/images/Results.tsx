import { ProgressBar } from "../../components/ui";
import { formatCredits } from "../../lib/format";
import { useElapsed } from "../../lib/hooks";
import { contentUrl, type ImagesAnswer } from "./types";

/** Work of unknown length (a provider call): an indeterminate bar with the seconds so far. */
export function Working({ running, label }: { running: boolean; label: string }) {
  const seconds = useElapsed(running);
  if (!running) return null;
  return <ProgressBar label={`${label}… ${seconds} s`} />;
}

/** What an image operation returned, with what it cost. */
export function Results({ answer, title }: { answer?: ImagesAnswer; title: string }) {
  if (!answer) return null;
  return (
    <div class="results-images" role="status">
      <h3>
        {title}: {answer.images.length} image{answer.images.length === 1 ? "" : "s"}, {formatCredits(answer.credits)}{" "}
        credits
      </h3>
      {answer.filtered ? (
        <p class="muted">
          {answer.filtered} image{answer.filtered === 1 ? " was" : "s were"} removed by the provider's safety filter and
          not charged.
        </p>
      ) : null}
      <ul class="gallery__grid">
        {answer.images.map((img) => (
          <li key={img.id} class="gallery__item">
            <a href={contentUrl(img.id)} target="_blank" rel="noopener">
              <img src={contentUrl(img.id)} alt={`Result ${img.id}`} />
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}

// The Sachbearbeitung's next step on an Antrag that reached the authority: in Bearbeitung, a Nachforderung with
// text and deadline, or the Bescheid as PDF. Each form posts to the Antrag's page (ui/pages/antrag.tsx).
import { CsrfField, type Frame } from '../layout';

export function NaechsterSchritt({ frame, action }: { frame: Frame; action: string }) {
  return (
    <section aria-labelledby="schritte-h">
      <h2 id="schritte-h">Nächster Schritt</h2>
      <div class="grid">
        <form class="stack panel" method="post" action={`${action}/bearbeitung`}>
          <CsrfField frame={frame} />
          <input type="hidden" name="status" value="in-bearbeitung" />
          <h3>In Bearbeitung</h3>
          <p>Der Antragsteller sieht, dass sein Antrag bearbeitet wird.</p>
          <div>
            <button type="submit">In Bearbeitung nehmen</button>
          </div>
        </form>
        <form class="stack panel" method="post" action={`${action}/bearbeitung`}>
          <CsrfField frame={frame} />
          <input type="hidden" name="status" value="nachforderung" />
          <h3>Nachforderung</h3>
          <div>
            <label for="nf-text">Was fehlt</label>
            <textarea id="nf-text" name="text" required minlength={3}></textarea>
          </div>
          <div>
            <label for="nf-frist">Frist</label>
            <input id="nf-frist" name="frist" type="date" required />
          </div>
          <div>
            <button type="submit">Nachforderung senden</button>
          </div>
        </form>
        <form class="stack panel" method="post" action={`${action}/bescheid`} enctype="multipart/form-data">
          <CsrfField frame={frame} />
          <h3>Bescheid</h3>
          <div>
            <label for="bs-datei">Bescheid (PDF)</label>
            <input id="bs-datei" name="datei" type="file" accept="application/pdf" required />
          </div>
          <div>
            <label for="bs-az">Aktenzeichen</label>
            <input id="bs-az" name="aktenzeichen" type="text" required />
          </div>
          <div>
            <label for="bs-art">Art</label>
            <select id="bs-art" name="art" required>
              <option value="bewilligung">Bewilligung</option>
              <option value="teilbewilligung">Teilbewilligung</option>
              <option value="ablehnung">Ablehnung</option>
              <option value="sonstiges">Sonstiges</option>
            </select>
          </div>
          <div>
            <label for="bs-datum">Datum des Bescheids</label>
            <input id="bs-datum" name="datum" type="date" required />
          </div>
          <div>
            <label for="bs-versand">Versand</label>
            <select id="bs-versand" name="versand">
              <option value="elektronisch">elektronisch (Postfach und E-Mail)</option>
              <option value="post">per Post (förmliche Zustellung): Aufgabe mit Anschrift</option>
            </select>
          </div>
          <div>
            <button type="submit">Bescheid zustellen</button>
          </div>
        </form>
      </div>
    </section>
  );
}

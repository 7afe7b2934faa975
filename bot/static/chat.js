// The web chat page: sends what the user types or presses to the gateway, shows the replies,
// and listens for messages the gateway pushes (server-sent events). No framework, no CDN.
// Its own words are in the chat's language: the server fills the page in it and names it in
// each answer ("language"); the page switches when it changes (bot/page.py).
"use strict";

const list = document.getElementById("messages");
const form = document.getElementById("composer");
const input = document.getElementById("text");
const typing = document.getElementById("typing");
const sendButton = form.querySelector("button");

const page = JSON.parse(document.getElementById("page-texts").textContent);
let language = document.documentElement.dataset.language || "en";

// The page's text `name` in the chat's language, with {placeholders} filled from `values`.
function t(name, values) {
  const text = (page.texts[language] || page.texts.en)[name] || page.texts.en[name] || "";
  return text.replace(/\{(\w+)\}/g, (whole, key) => (values && key in values ? values[key] : whole));
}

// The introduction names the word to type for help as a key: text, a <kbd>, text.
function showIntro(element) {
  const [before, after] = t("intro").split("{help}");
  const key = document.createElement("kbd");
  key.textContent = t("help");
  element.replaceChildren(before, key, after === undefined ? "" : after);
}

// Put the page's own words in `next` (a language the server named) when it is another.
function useLanguage(next) {
  if (!next || next === language || !page.texts[next]) return;
  language = next;
  document.documentElement.lang = page.languages[next] || next;
  document.documentElement.dataset.language = next;
  for (const element of document.querySelectorAll("[data-text]")) {
    if (element.dataset.text === "intro") showIntro(element);
    else element.textContent = t(element.dataset.text);
  }
  for (const element of document.querySelectorAll("[data-text-placeholder]")) {
    element.placeholder = t(element.dataset.textPlaceholder);
  }
  for (const element of document.querySelectorAll("[data-text-aria-label]")) {
    element.setAttribute("aria-label", t(element.dataset.textAriaLabel));
  }
}

function scrollDown() {
  list.scrollTop = list.scrollHeight;
}

function addMessage(mine, reply) {
  const item = document.createElement("li");
  item.className = mine ? "message mine" : "message theirs";
  if (reply.text) {
    const bubble = document.createElement("div");
    bubble.className = "bubble";
    bubble.textContent = reply.text;  // text only: nothing from a reply is read as HTML
    item.appendChild(bubble);
  }
  if (reply.image_url) {
    const image = document.createElement("img");
    image.src = reply.image_url;
    image.alt = reply.text || t("chart");
    item.appendChild(image);
  }
  if (reply.file && reply.file.url) {
    const link = document.createElement("a");
    link.className = "file";
    link.href = reply.file.url;
    link.download = reply.file.name;
    link.textContent = t("download", { name: reply.file.name });
    item.appendChild(link);
  }
  if (reply.buttons && reply.buttons.length) {
    const row = document.createElement("div");
    row.className = "buttons";
    for (const button of reply.buttons) {
      const element = document.createElement("button");
      element.type = "button";
      element.textContent = button.title;
      element.addEventListener("click", () => {
        for (const other of row.querySelectorAll("button")) other.disabled = true;
        send({ payload: button.payload }, button.title);
      });
      row.appendChild(element);
    }
    item.appendChild(row);
  }
  list.appendChild(item);
  scrollDown();
}

function busy(on) {
  typing.hidden = !on;
  sendButton.disabled = on;
  if (on) scrollDown();
}

async function send(body, shown) {
  addMessage(true, { text: shown });
  busy(true);
  try {
    const response = await fetch("/chat/messages", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      credentials: "same-origin",
      body: JSON.stringify(body),
    });
    const answer = await response.json();
    if (!response.ok) {
      addMessage(false, { text: answer.message || t("not_sent") });
      return;
    }
    useLanguage(answer.language);
    for (const reply of answer.replies) addMessage(false, reply);
  } catch (error) {
    // the request may or may not have arrived: say so rather than "nothing was sent"
    addMessage(false, { text: t("unreachable") });
  } finally {
    busy(false);
    input.focus();
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const text = input.value.trim();
  if (!text) return;
  input.value = "";
  send({ text }, text);
});

// A one-tap link (/#link=<token>, sent by e-mail or printed; in the fragment, which browsers
// never send to a server): the token leaves the address bar and the history at once, and the
// chat is linked only when the user says so here.
async function linkChat(token, row) {
  for (const other of row.querySelectorAll("button")) other.disabled = true;
  busy(true);
  try {
    const response = await fetch("/chat/link", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      credentials: "same-origin",
      body: JSON.stringify({ token }),
    });
    const answer = await response.json();
    if (!response.ok) {
      addMessage(false, { text: answer.message || t("not_linked") });
      return;
    }
    useLanguage(answer.language);
    for (const reply of answer.replies) addMessage(false, reply);
  } catch (error) {
    addMessage(false, { text: t("link_unreachable") });
  } finally {
    busy(false);
  }
}

function offerLink(token) {
  const item = document.createElement("li");
  item.className = "message theirs";
  const bubble = document.createElement("div");
  bubble.className = "bubble";
  bubble.textContent = t("link_offer");
  const row = document.createElement("div");
  row.className = "buttons";
  const yes = document.createElement("button");
  yes.type = "button";
  yes.textContent = t("link_yes");
  yes.addEventListener("click", () => linkChat(token, row));
  const no = document.createElement("button");
  no.type = "button";
  no.textContent = t("link_no");
  no.addEventListener("click", () => {
    for (const other of row.querySelectorAll("button")) other.disabled = true;
  });
  row.append(yes, no);
  item.append(bubble, row);
  list.appendChild(item);
}

const linkToken = new URLSearchParams(window.location.hash.slice(1)).get("link");
if (linkToken) {
  window.history.replaceState(null, "", window.location.pathname);
  offerLink(linkToken);
}

// Pushed messages (order confirmed, shipped, ...). EventSource reconnects by itself.
const events = new EventSource("/chat/events");
events.addEventListener("reply", (event) => addMessage(false, JSON.parse(event.data)));

input.focus();

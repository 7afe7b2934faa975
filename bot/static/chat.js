// The web chat page: sends what the user types or presses to the gateway, shows the replies,
// and listens for messages the gateway pushes (server-sent events). No framework, no CDN.
"use strict";

const list = document.getElementById("messages");
const form = document.getElementById("composer");
const input = document.getElementById("text");
const typing = document.getElementById("typing");
const sendButton = form.querySelector("button");

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
    image.alt = reply.text || "chart";
    item.appendChild(image);
  }
  if (reply.file && reply.file.url) {
    const link = document.createElement("a");
    link.className = "file";
    link.href = reply.file.url;
    link.download = reply.file.name;
    link.textContent = "Download " + reply.file.name;
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
      addMessage(false, { text: answer.message || "Sorry, that message could not be sent." });
      return;
    }
    for (const reply of answer.replies) addMessage(false, reply);
  } catch (error) {
    // the request may or may not have arrived: say so rather than "nothing was sent"
    addMessage(false, { text: "Sorry, I couldn't reach the assistant. Please check your connection and try again in a minute." });
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
      addMessage(false, { text: answer.message || "Sorry, this chat could not be linked." });
      return;
    }
    for (const reply of answer.replies) addMessage(false, reply);
  } catch (error) {
    addMessage(false, { text: "Sorry, I couldn't reach the assistant. Please open the link again in a minute." });
  } finally {
    busy(false);
  }
}

function offerLink(token) {
  const item = document.createElement("li");
  item.className = "message theirs";
  const bubble = document.createElement("div");
  bubble.className = "bubble";
  bubble.textContent = "You opened a sign-in link. Link this chat to the account it was sent for?";
  const row = document.createElement("div");
  row.className = "buttons";
  const yes = document.createElement("button");
  yes.type = "button";
  yes.textContent = "Link this chat";
  yes.addEventListener("click", () => linkChat(token, row));
  const no = document.createElement("button");
  no.type = "button";
  no.textContent = "Not now";
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

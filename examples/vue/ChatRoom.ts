/**
 * The component around `useChat` (chat.ts), as a render function so it runs
 * without a .vue compiler. In a single-file component the setup is the same:
 *
 *   <script setup lang="ts">
 *   const props = defineProps<{ room: string; user: string }>();
 *   const { state, log, online, say } = useChat(() => props.room, props.user);
 *   </script>
 *
 * A new `room` prop reconnects; unmounting closes the socket.
 */
import { defineComponent, h } from 'vue';
import { useChat } from './chat';

export const ChatRoom = defineComponent({
  props: { room: { type: String, required: true }, user: { type: String, required: true } },
  setup(props) {
    const { state, log, online, say } = useChat(() => props.room, props.user);
    return () =>
      h('section', [
        h('p', `${state.value}${online.value === undefined ? '' : ` · ${online.value} online`}`),
        h(
          'ul',
          log.value.map((line, i) => h('li', { key: i }, line)),
        ),
        h('button', { type: 'button', onClick: () => say('hi') }, 'say hi'),
      ]);
  },
});

export { SteadySocket } from './socket';

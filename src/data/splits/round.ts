/** Python's round(): halves go to the even neighbour. The official split builder uses it (e.g. round(0.1*245) = 24). */
export { roundHalfEven } from '../../util/round';
